#include <warden/crypto.hpp>
#include <warden/state/request_state.hpp>

#include <warden/jose/base64url.hpp>

namespace warden::state {
namespace {

bool valid_key_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    for (char c : id)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// `id:key,id:key,...`: neither hex nor base64url uses ':' or ','.
result<std::vector<Key>> parse_key_list(std::string_view text) {
    std::vector<Key> keys;
    while (true) {
        const auto comma = text.find(',');
        const std::string_view entry = trim(text.substr(0, comma));
        const auto colon = entry.find(':');
        if (colon == std::string_view::npos) return Error::bad_key;
        auto secret = crypto::decode_key(trim(entry.substr(colon + 1)));
        if (!secret) return Error::bad_key;
        keys.push_back(Key{std::string(trim(entry.substr(0, colon))), *secret});
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return keys;
}

}  // namespace

result<KeyRing> KeyRing::create(std::vector<Key> keys) {
    if (keys.empty()) return Error::bad_key;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!valid_key_id(keys[i].id)) return Error::bad_key;
        for (std::size_t j = 0; j < i; ++j)
            if (keys[j].id == keys[i].id) return Error::bad_key;
    }
    return KeyRing(std::make_shared<const std::vector<Key>>(std::move(keys)));
}

const Key* KeyRing::find(std::string_view id) const noexcept {
    for (const auto& k : *keys_)
        if (k.id == id) return &k;
    return nullptr;
}

std::string derive_key_id(const crypto::SecretKey& key) {
    // Domain-separated so the id says nothing usable about the key or its other uses.
    std::string input = "warden.state.key-id";
    input += '\0';
    input += key.view();
    const std::string id = "k" + jose::base64url_encode(crypto::sha256(input)).substr(0, 8);
    std::fill(input.begin(), input.end(), '\0');
    return id;
}

result<KeyRing> load_key_ring(const crypto::EnvLookup& env, bool create) {
    if (auto v = env("WARDEN_STATE_KEY"); v && !v->empty()) {
        const std::string_view text = trim(*v);
        if (text.find(':') != std::string_view::npos || text.find(',') != std::string_view::npos) {
            auto keys = parse_key_list(text);
            if (!keys) return keys.error();
            return KeyRing::create(std::move(*keys));
        }
        auto secret = crypto::decode_key(text);
        if (!secret) return Error::bad_key;
        std::vector<Key> keys;
        keys.push_back(Key{derive_key_id(*secret), *secret});
        return KeyRing::create(std::move(keys));
    }
    std::string path = crypto::data_dir(env) + "/state.key";
    if (auto f = env("WARDEN_STATE_KEY_FILE"); f && !f->empty()) path = *f;
    auto secret = crypto::load_key_file(path, create);
    if (!secret) return Error::bad_key;
    std::vector<Key> keys;
    keys.push_back(Key{derive_key_id(*secret), *secret});
    return KeyRing::create(std::move(keys));
}

}  // namespace warden::state
