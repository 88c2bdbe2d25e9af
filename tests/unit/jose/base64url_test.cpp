#include "warden/jose/base64url.hpp"
#include "warden/jose/error.hpp"

#include <gtest/gtest.h>

namespace {

using warden::jose::base64url_decode;
using warden::jose::base64url_encode;
using warden::jose::Error;

TEST(Base64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
        auto decoded = base64url_decode(base64url_encode(bytes));
        ASSERT_TRUE(decoded) << i;
        EXPECT_EQ(decoded.value(), bytes);
        bytes.push_back(static_cast<char>(i * 37 + 250));
    }
}

TEST(Base64Url, DecodesRfc4648Vectors) {
    EXPECT_EQ(base64url_decode("").value(), "");
    EXPECT_EQ(base64url_decode("Zg").value(), "f");
    EXPECT_EQ(base64url_decode("Zm8").value(), "fo");
    EXPECT_EQ(base64url_decode("Zm9v").value(), "foo");
    EXPECT_EQ(base64url_decode("Zm9vYmFy").value(), "foobar");
    EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
}

TEST(Base64Url, RejectsPadding) {
    EXPECT_EQ(base64url_decode("Zg==").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm8=").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("=").error(), Error::bad_base64);
}

TEST(Base64Url, RejectsStandardAlphabetAndWhitespace) {
    EXPECT_EQ(base64url_decode("+/8").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm9v YmFy").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm9v\nYmFy").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode(std::string_view("Zm\0v", 4)).error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm9v\xc3\xa9").error(), Error::bad_base64);
}

TEST(Base64Url, RejectsImpossibleLength) {
    EXPECT_EQ(base64url_decode("A").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm9vY").error(), Error::bad_base64);
}

TEST(Base64Url, RejectsNonZeroTailBits) {
    // "Zh" and "Zg" would both decode to "f" if the unused low bits were ignored.
    EXPECT_EQ(base64url_decode("Zh").error(), Error::bad_base64);
    EXPECT_EQ(base64url_decode("Zm9").error(), Error::bad_base64);
    EXPECT_TRUE(base64url_decode("Zm8"));
}

}  // namespace
