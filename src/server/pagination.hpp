#pragma once
// Cursor pagination for the list methods. Cursors are opaque to clients.

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace warden::server {

struct Page {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::optional<std::string> next_cursor;
};

/// The page of `total` items that `params.cursor` asks for; nullopt for a bad cursor.
std::optional<Page> page_for(const boost::json::object* params, std::size_t total,
                             std::size_t page_size);

}  // namespace warden::server
