#include <warden/auth/error.hpp>
#include <warden/jose/dpop.hpp>
#include <warden/jose/error.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace warden::auth {
namespace {

TEST(ReasonOf, NamesWhyATokenWasRefused) {
    EXPECT_EQ(reason_of(make_error_code(Error::missing_token)), "missing_token");
    EXPECT_EQ(reason_of(make_error_code(Error::untrusted_issuer)), "untrusted_issuer");
    EXPECT_EQ(reason_of(make_error_code(Error::token_inactive)), "inactive");
    EXPECT_EQ(reason_of(make_error_code(Error::bad_document)), "unavailable");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::Error::bad_signature)), "invalid_signature");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::Error::expired)), "expired");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::Error::audience_mismatch)), "audience");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::Error::issuer_mismatch)), "issuer");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::Error::token_too_large)), "malformed");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::DpopError::replayed)), "dpop");
    EXPECT_EQ(reason_of(jose::make_error_code(jose::DpopError::use_dpop_nonce)), "dpop_nonce");
    EXPECT_EQ(reason_of(make_error_code(boost::system::errc::io_error)), "other");
}

TEST(ReasonOf, EveryCodeMapsIntoOneSmallClosedSet) {
    // Metrics label by reason: the set must stay small whatever a client sends.
    std::set<std::string> labels;
    for (int v = 0; v < 64; ++v) {
        labels.insert(std::string(reason_of({v, error_category()})));
        labels.insert(std::string(reason_of({v, jose::error_category()})));
        labels.insert(std::string(reason_of({v, jose::dpop_error_category()})));
    }
    const std::set<std::string> documented = {"missing_token",
                                              "malformed_header",
                                              "malformed",
                                              "algorithm",
                                              "unknown_key",
                                              "invalid_signature",
                                              "expired",
                                              "not_yet_valid",
                                              "issuer",
                                              "audience",
                                              "typ",
                                              "untrusted_issuer",
                                              "invalid_token",
                                              "inactive",
                                              "insufficient_scope",
                                              "dpop",
                                              "dpop_nonce",
                                              "unavailable",
                                              "other"};
    for (const auto& l : labels) EXPECT_TRUE(documented.contains(l)) << l;
}

}  // namespace
}  // namespace warden::auth
