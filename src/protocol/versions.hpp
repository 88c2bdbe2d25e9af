#pragma once
// MCP protocol revisions Warden speaks, and what each one has.

#include <array>
#include <string_view>

namespace warden::protocol {

inline constexpr std::string_view kVersion2024_11_05 = "2024-11-05";
inline constexpr std::string_view kVersion2025_03_26 = "2025-03-26";
inline constexpr std::string_view kVersion2025_06_18 = "2025-06-18";
inline constexpr std::string_view kVersion2025_11_25 = "2025-11-25";
inline constexpr std::string_view kVersion2026_07_28 = "2026-07-28";
/// The newest legacy (initialize-based) revision: what `initialize` negotiates down to.
inline constexpr std::string_view kLatestVersion = kVersion2025_11_25;

/// Legacy revisions (an `initialize` handshake opens a session), oldest first.
inline constexpr std::array<std::string_view, 4> kSupportedVersions = {
    kVersion2024_11_05, kVersion2025_03_26, kVersion2025_06_18, kVersion2025_11_25};
/// Modern revisions (MCP 2026-07-28 "Versioning": every request carries its version in
/// `_meta`; no handshake, no session).
inline constexpr std::array<std::string_view, 1> kModernVersions = {kVersion2026_07_28};
/// Every revision this server speaks, newest first (`server/discover` supportedVersions,
/// UnsupportedProtocolVersionError data.supported).
inline constexpr std::array<std::string_view, 5> kAllVersions = {
    kVersion2026_07_28, kVersion2025_11_25, kVersion2025_06_18, kVersion2025_03_26,
    kVersion2024_11_05};

/// A legacy revision this server supports.
bool is_supported_version(std::string_view version) noexcept;
/// A modern revision this server supports.
bool is_modern_version(std::string_view version) noexcept;

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
    /// 2026-07-28+: resultType on every result, serverInfo in result `_meta`, caching
    /// hints on listings and reads, no server-to-client requests.
    bool modern = false;
    /// 2025-11-25 only: the experimental tasks (`task` on tools/call, tasks/get,
    /// tasks/result, tasks/list, tasks/cancel, `execution.taskSupport` on tools).
    bool legacy_tasks = false;
};

Features features_of(std::string_view version) noexcept;

}  // namespace warden::protocol
