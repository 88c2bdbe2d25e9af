// Signature sweeps: every bit flip and every truncation of a valid signature must fail.
#include "vectors.hpp"

#include "jose/jws.hpp"

#include <gtest/gtest.h>

namespace {

using namespace warden_test;

const char* const kAlgorithms[] = {"RS256", "RS384", "RS512", "PS256", "PS384",
                                   "PS512", "ES256", "ES384", "ES512", "EdDSA"};

struct Split {
    std::string head;  // header.payload.
    std::string signature;
};

Split split(const std::string& token) {
    const std::size_t dot = token.rfind('.');
    return {token.substr(0, dot + 1),
            jose::base64url_decode(std::string_view(token).substr(dot + 1)).value()};
}

TEST(JwsVerify, RejectsFlippedSignatureBit) {
    const auto keys = vector_keys();
    const auto options = vector_options();
    for (const char* alg : kAlgorithms) {
        const Split s = split(vector_token(std::string("valid ") + alg));
        for (std::size_t bit = 0; bit < s.signature.size() * 8; ++bit) {
            std::string sig = s.signature;
            sig[bit / 8] = static_cast<char>(sig[bit / 8] ^ (1 << (bit % 8)));
            auto r = jose::verify(s.head + jose::base64url_encode(sig), *keys, options);
            ASSERT_FALSE(r) << alg << " bit " << bit;
            EXPECT_EQ(r.error(), jose::Error::bad_signature) << alg << " bit " << bit;
        }
    }
}

TEST(JwsVerify, RejectsTruncatedSignature) {
    const auto keys = vector_keys();
    const auto options = vector_options();
    for (const char* alg : kAlgorithms) {
        const Split s = split(vector_token(std::string("valid ") + alg));
        for (std::size_t len = 0; len < s.signature.size(); ++len) {
            auto r = jose::verify(s.head + jose::base64url_encode(s.signature.substr(0, len)),
                                  *keys, options);
            ASSERT_FALSE(r) << alg << " length " << len;
            EXPECT_EQ(r.error(), jose::Error::bad_signature) << alg << " length " << len;
        }
    }
}

TEST(JwsVerify, RejectsExtendedSignature) {
    for (const char* alg : kAlgorithms) {
        const Split s = split(vector_token(std::string("valid ") + alg));
        auto r = jose::verify(s.head + jose::base64url_encode(s.signature + '\0'), *vector_keys(),
                              vector_options());
        EXPECT_EQ(r.error(), jose::Error::bad_signature) << alg;
    }
}

TEST(JwsVerify, AcceptsUnmodifiedSignature) {
    for (const char* alg : kAlgorithms) {
        const Split s = split(vector_token(std::string("valid ") + alg));
        EXPECT_TRUE(jose::verify(s.head + jose::base64url_encode(s.signature), *vector_keys(),
                                 vector_options()))
            << alg;
    }
}

TEST(EcdsaDer, EncodesRawSignature) {
    unsigned char out[144];
    std::string raw(64, '\x01');
    raw[0] = '\x80';  // high bit: needs a 0x00 pad
    raw[32] = '\0';   // leading zero of s is stripped
    const std::size_t n = warden::jose::detail::ecdsa_raw_to_der(raw, out);
    ASSERT_EQ(n, 2u + (2 + 33) + (2 + 31));
    EXPECT_EQ(out[0], 0x30);
    EXPECT_EQ(out[1], n - 2);
    EXPECT_EQ(out[2], 0x02);
    EXPECT_EQ(out[3], 33);
    EXPECT_EQ(out[4], 0x00);
    EXPECT_EQ(out[37], 0x02);
    EXPECT_EQ(out[38], 31);
}

TEST(EcdsaDer, UsesLongFormLengthForP521) {
    unsigned char out[144];
    const std::string raw(132, '\xff');
    const std::size_t n = warden::jose::detail::ecdsa_raw_to_der(raw, out);
    ASSERT_EQ(n, 3u + 2 * (2 + 67));
    EXPECT_EQ(out[1], 0x81);
    EXPECT_EQ(out[2], 2 * (2 + 67));
}

TEST(EcdsaDer, RejectsZeroComponent) {
    unsigned char out[144];
    std::string raw(64, '\x01');
    std::fill(raw.begin(), raw.begin() + 32, '\0');
    EXPECT_EQ(warden::jose::detail::ecdsa_raw_to_der(raw, out), 0u);
}

}  // namespace
