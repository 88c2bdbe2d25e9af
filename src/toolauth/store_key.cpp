#include <warden/toolauth/token_store.hpp>

#include <warden/crypto.hpp>

#include <openssl/crypto.h>

namespace warden::toolauth {

StoreKey::~StoreKey() {
    OPENSSL_cleanse(bytes.data(), bytes.size());
}

std::string default_store_path(const EnvLookup& env) {
    if (auto v = env("WARDEN_TOOLAUTH_DB"); v && !v->empty()) return *v;
    return warden::crypto::data_dir(env) + "/tokens.db";
}

std::string default_key_path(const EnvLookup& env) {
    if (auto v = env("WARDEN_TOOLAUTH_KEY_FILE"); v && !v->empty()) return *v;
    return warden::crypto::data_dir(env) + "/toolauth.key";
}

result<StoreKey> load_store_key(const EnvLookup& env, const std::string& key_file, bool create) {
    auto loaded = [&]() -> warden::crypto::result<warden::crypto::SecretKey> {
        if (auto v = env("WARDEN_TOOLAUTH_KEY"); v && !v->empty())
            return warden::crypto::decode_key(*v);
        return warden::crypto::load_key_file(key_file, create);
    }();
    if (!loaded) return Error::bad_key;
    StoreKey key;
    key.bytes = loaded->bytes;
    return key;
}

}  // namespace warden::toolauth
