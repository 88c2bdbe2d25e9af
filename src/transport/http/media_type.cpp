#include "transport/http/media_type.hpp"

#include "transport/http/ascii.hpp"

#include <algorithm>
#include <string>

namespace warden::transport::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A media range's quality is 0 only when it says q=0 (or 0.0, 0.00, 0.000).
bool zero_quality(std::string_view params) {
    while (!params.empty()) {
        auto semi = params.find(';');
        auto param = trim(params.substr(0, semi));
        if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
            auto value = param.substr(2);
            return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
        }
        if (semi == std::string_view::npos) break;
        params.remove_prefix(semi + 1);
    }
    return false;
}

}  // namespace

bool content_type_is(std::string_view content_type, std::string_view type) {
    return ascii_iequals(trim(content_type.substr(0, content_type.find(';'))), type);
}

bool accepts(std::string_view accept, std::string_view type) {
    const auto slash = type.find('/');
    const auto wildcard = std::string(type.substr(0, slash)) + "/*";
    // RFC 9110 §12.5.1: the most specific range that matches decides the quality, so
    // "text/event-stream;q=0, */*" refuses text/event-stream whatever the order.
    int best = 0;  // 3: the type itself, 2: type/*, 1: */*
    bool acceptable = false;
    while (!accept.empty()) {
        auto comma = accept.find(',');
        auto item = accept.substr(0, comma);
        auto semi = item.find(';');
        auto range = trim(item.substr(0, semi));
        auto params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
        const int specificity = ascii_iequals(range, type)       ? 3
                                : ascii_iequals(range, wildcard) ? 2
                                : range == "*/*"                 ? 1
                                                                 : 0;
        if (specificity > best) {
            best = specificity;
            acceptable = !zero_quality(params);
        } else if (specificity != 0 && specificity == best) {
            acceptable = acceptable || !zero_quality(params);
        }
        if (comma == std::string_view::npos) break;
        accept.remove_prefix(comma + 1);
    }
    return acceptable;
}

}  // namespace warden::transport::http
