#pragma once
// Strict base64url (RFC 4648 section 5) as JOSE uses it (RFC 7515 section 2): no padding,
// no whitespace, no characters outside [A-Za-z0-9_-], and unused tail bits must be zero so
// that every byte string has exactly one encoding.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace warden::jose {

/// Decodes strict unpadded base64url. Errors: Error::bad_base64. Thread-safe.
boost::system::result<std::string> base64url_decode(std::string_view in);

/// Encodes bytes as unpadded base64url. Thread-safe.
std::string base64url_encode(std::string_view bytes);

}  // namespace warden::jose
