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
    const std::size_t tail = in.size() % 4;
    if (tail == 1) return make_error_code(Error::bad_base64);
    std::string out(in.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1), '\0');
    const auto* src = reinterpret_cast<const unsigned char*>(in.data());
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    const std::size_t full = in.size() - tail;
    for (std::size_t i = 0; i < full; i += 4, dst += 3) {
        const std::uint32_t a = kTable[src[i]], b = kTable[src[i + 1]], c = kTable[src[i + 2]],
                            d = kTable[src[i + 3]];
        if ((a | b | c | d) > 63) return make_error_code(Error::bad_base64);
        const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
        dst[0] = static_cast<unsigned char>(v >> 16);
        dst[1] = static_cast<unsigned char>(v >> 8);
        dst[2] = static_cast<unsigned char>(v);
    }
    if (tail != 0) {
        const std::uint32_t a = kTable[src[full]], b = kTable[src[full + 1]];
        const std::uint32_t c = tail == 3 ? kTable[src[full + 2]] : 0;
        if ((a | b | c) > 63) return make_error_code(Error::bad_base64);
        const std::uint32_t v = (a << 18) | (b << 12) | (c << 6);
        // Unused low bits must be zero (RFC 4648 section 3.5), or two encodings would
        // decode to the same bytes.
        if ((tail == 2 && (v & 0xffffu) != 0) || (tail == 3 && (v & 0xffu) != 0)) {
            return make_error_code(Error::bad_base64);
        }
        dst[0] = static_cast<unsigned char>(v >> 16);
        if (tail == 3) dst[1] = static_cast<unsigned char>(v >> 8);
    }
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
