#include "protocol/versions.hpp"

#include <algorithm>

namespace warden::protocol {

bool is_supported_version(std::string_view version) noexcept {
    return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) !=
           kSupportedVersions.end();
}

bool is_modern_version(std::string_view version) noexcept {
    return std::find(kModernVersions.begin(), kModernVersions.end(), version) !=
           kModernVersions.end();
}

std::string_view negotiate_version(std::string_view requested) noexcept {
    return is_supported_version(requested) ? requested : kLatestVersion;
}

Features features_of(std::string_view v) noexcept {
    Features f;
    f.batches = v == kVersion2025_03_26;
    f.tool_annotations = v >= kVersion2025_03_26;
    f.structured_content = v >= kVersion2025_06_18;
    f.elicitation = v >= kVersion2025_06_18;
    f.icons_and_urls = v >= kVersion2025_11_25;
    f.url_elicitation = v >= kVersion2025_11_25;
    f.modern = v >= kVersion2026_07_28;
    f.legacy_tasks = v == kVersion2025_11_25;
    return f;
}

}  // namespace warden::protocol
