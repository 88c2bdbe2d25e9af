#include "server/exchange.hpp"

#include <boost/json/parse.hpp>

namespace warden::server {

void Exchange::complete_serialized(std::string response) {
    complete(boost::json::parse(response));
}

}  // namespace warden::server
