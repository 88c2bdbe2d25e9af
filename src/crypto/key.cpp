#include <warden/crypto.hpp>

#include <warden/jose/base64url.hpp>

#include <openssl/crypto.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace warden::crypto {
namespace {

std::optional<std::string> decode_hex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(out.data(), out.size());
            return std::nullopt;
        }
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

// Takes the raw bytes, wiping them whatever happens.
result<SecretKey> to_key(std::string raw, Error if_wrong_size) {
    if (raw.size() != 32) {
        OPENSSL_cleanse(raw.data(), raw.size());
        return if_wrong_size;
    }
    SecretKey key;
    std::copy(raw.begin(), raw.end(), key.bytes.begin());
    OPENSSL_cleanse(raw.data(), raw.size());
    return key;
}

result<SecretKey> create_key_file(const std::string& path) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // O_EXCL: never clobber a key another process created meanwhile.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Error::key_file_unavailable;
    std::string raw = random_bytes(32);
    bool ok =
        ::write(fd, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        OPENSSL_cleanse(raw.data(), raw.size());
        return Error::key_file_unavailable;
    }
    return to_key(std::move(raw), Error::key_file_unavailable);
}

}  // namespace

SecretKey::~SecretKey() {
    OPENSSL_cleanse(bytes.data(), bytes.size());
}

result<SecretKey> decode_key(std::string_view text) {
    if (auto hex = decode_hex(text)) return to_key(std::move(*hex), Error::malformed_key);
    auto b64 = jose::base64url_decode(text);
    if (!b64) return Error::malformed_key;
    return to_key(std::move(*b64), Error::malformed_key);
}

result<SecretKey> load_key_file(const std::string& path, bool create) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT && create) return create_key_file(path);
        // O_NOFOLLOW on a symbolic link fails with ELOOP.
        return errno == ELOOP ? Error::unsafe_key_file : Error::key_file_unavailable;
    }
    struct stat st {};
    // A key others can read is no key: refuse it rather than use it.
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
        ::close(fd);
        return Error::unsafe_key_file;
    }
    std::string raw(64, '\0');
    ssize_t n = ::read(fd, raw.data(), raw.size());
    ::close(fd);
    if (n < 0) {
        OPENSSL_cleanse(raw.data(), raw.size());
        return Error::key_file_unavailable;
    }
    raw.resize(static_cast<std::size_t>(n));
    return to_key(std::move(raw), Error::key_file_unavailable);
}

std::string data_dir(const EnvLookup& env) {
    if (auto x = env("XDG_DATA_HOME"); x && !x->empty()) return *x + "/warden";
    if (auto h = env("HOME"); h && !h->empty()) return *h + "/.local/share/warden";
    return ".";
}

}  // namespace warden::crypto
