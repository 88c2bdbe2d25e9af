#pragma once
// MCP protocol revisions Warden speaks, and what each one has.

#include <array>
#include <string_view>

namespace warden::protocol {

inline constexpr std::string_view kVersion2024_11_05 = "2024-11-05";
inline constexpr std::string_view kVersion2025_03_26 = "2025-03-26";
inline constexpr std::string_view kVersion2025_06_18 = "2025-06-18";
inline constexpr std::string_view kVersion2025_11_25 = "2025-11-25";
inline constexpr std::string_view kLatestVersion = kVersion2025_11_25;

/// Oldest first.
inline constexpr std::array<std::string_view, 4> kSupportedVersions = {
    kVersion2024_11_05, kVersion2025_03_26, kVersion2025_06_18, kVersion2025_11_25};

bool is_supported_version(std::string_view version) noexcept;

/// The version to answer `initialize` with: the client's if supported, else the latest.
std::string_view negotiate_version(std::string_view requested) noexcept;

/// Revision-dependent features. Versions compare as dates (ISO strings sort correctly).
struct Features {
    bool batches = false;             ///< JSON-RPC batches: only 2025-03-26
    bool tool_annotations = false;    ///< 2025-03-26+
    bool structured_content = false;  ///< outputSchema/structuredContent/title: 2025-06-18+
    bool elicitation = false;         ///< 2025-06-18+
    bool icons_and_urls = false;      ///< icons, websiteUrl, description: 2025-11-25+
    bool url_elicitation = false;     ///< 2025-11-25+
};

Features features_of(std::string_view version) noexcept;

}  // namespace warden::protocol
