#include "transport/http/response_wire.hpp"

namespace warden::transport::http {

std::string serialize_response(const Response& response) {
    const auto& body = response.body();
    std::string out;
    out.reserve(256 + body.size());
    out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(response.result_int());
    out += ' ';
    const auto reason = response.reason();  // the standard phrase unless one was set
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& field : response) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

}  // namespace warden::transport::http
