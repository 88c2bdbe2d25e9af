#pragma once
// A small JSON Schema checker for tools registered with a hand-written input schema:
// type, required, properties, items, enum, const, minimum/maximum, minLength/maxLength.
// Typed tools are checked by their C++ conversion instead. Unknown keywords are ignored
// (the client-side schema remains authoritative for them).

#include <boost/json/value.hpp>

#include <string>

namespace warden::server {

/// Returns an empty string when `value` satisfies `schema`, else what is wrong and where.
std::string check_against_schema(const boost::json::value& value,
                                 const boost::json::object& schema);

}  // namespace warden::server
