#include "warden/jose/base64url.hpp"

#include "warden/jose/error.hpp"

#include <array>
#include <cstdint>

namespace warden::jose {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_table() {
    std::array<std::uint8_t, 256> table{};
    table.fill(kInvalid);
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return table;
}

constexpr std::array<std::uint8_t, 256> kTable = make_table();

}  // namespace

boost::system::result<std::string> base64url_decode(std::string_view in) {
    // A length of 1 mod 4 cannot come from any byte string.
    if (in.size() % 4 == 1) return make_error_code(Error::bad_base64);
    std::string out;
    out.reserve(in.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const std::uint8_t v = kTable[static_cast<unsigned char>(c)];
        if (v == kInvalid) return make_error_code(Error::bad_base64);
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xffu));
        }
    }
    // Leftover bits must be zero (RFC 4648 section 3.5), or two encodings would decode alike.
    if ((acc & ((1u << bits) - 1u)) != 0) return make_error_code(Error::bad_base64);
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : bytes) {
        acc = (acc << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(acc >> bits) & 0x3fu]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3fu]);
    return out;
}

}  // namespace warden::jose
