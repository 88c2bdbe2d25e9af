#include "observability/metrics.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

namespace warden::observability {

namespace {

struct SeriesInfo {
    const char* name;
    const char* help;
    bool histogram;
    std::vector<const char*> labels;
};

const SeriesInfo& info_of(Series s) {
    static const SeriesInfo kInfo[] = {
        {"warden_requests_total",
         "MCP requests answered, by method, protocol era and outcome.",
         false,
         {"method", "era", "outcome"}},
        {"warden_request_duration_seconds",
         "Time from a request's arrival to its answer, by method (and tool for registered tools).",
         true,
         {"method", "tool"}},
        {"warden_auth_decisions_total",
         "Front-door auth decisions, by result and reason.",
         false,
         {"result", "reason"}},
        {"warden_jwks_fetches_total",
         "JWKS fetches from authorization servers, by result.",
         false,
         {"result"}},
        {"warden_token_cache_lookups_total",
         "Verified-token cache lookups, by result.",
         false,
         {"result"}},
        {"warden_introspection_requests_total",
         "RFC 7662 introspection calls, by result.",
         false,
         {"result"}},
        {"warden_store_operation_duration_seconds",
         "Store operations, by operation.",
         true,
         {"operation"}},
    };
    return kInfo[static_cast<int>(s)];
}

constexpr std::array<double, 16> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                            0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                            1,      2.5,     5,      10};

struct LevelInfo {
    const char* name;
    const char* help;
};
constexpr LevelInfo kLevels[] = {
    {"warden_sessions", "Legacy-era HTTP sessions alive."},
    {"warden_sse_streams", "HTTP responses open as SSE streams."},
    {"warden_listen_streams", "2026-07-28 subscriptions/listen requests open."},
    {"warden_worker_queue_depth", "Handlers queued or running on the worker pool."},
};

// One series in one thread's shard. Written by the owning thread only (relaxed load and
// store, no read-modify-write), read by scrapes.
struct Cell {
    Series series;
    std::vector<std::string> labels;
    std::atomic<double> value{0};  // counter value, or histogram sum in seconds
    std::atomic<std::uint64_t> count{0};
    std::array<std::atomic<std::uint64_t>, kBounds.size()> buckets{};
};

void bump(std::atomic<double>& a, double by) {
    a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}
void bump(std::atomic<std::uint64_t>& a) {
    a.store(a.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

std::atomic<std::uint64_t> next_generation{1};

}  // namespace

struct Metrics::Shard {
    std::mutex mutex;  // taken by the owner only to add a cell, and by scrapes
    std::deque<Cell> cells;
    std::unordered_map<std::string, Cell*, StringHash, std::equal_to<>> index;  // owner only

    Cell& cell(Series series, std::initializer_list<std::string_view> labels) {
        thread_local std::string key;
        key.clear();
        key.push_back(static_cast<char>(series));
        for (auto l : labels) {
            key.append(l);
            key.push_back('\x1f');
        }
        if (auto it = index.find(std::string_view(key)); it != index.end()) return *it->second;
        std::lock_guard lock(mutex);
        Cell& c = cells.emplace_back();
        c.series = series;
        for (auto l : labels) c.labels.emplace_back(l);
        index.emplace(key, &c);
        return c;
    }
};

Metrics::Metrics() : generation_(next_generation.fetch_add(1)) {}
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::local_shard() {
    // A few slots so that several Metrics (tests) can coexist; a dead instance's slot is
    // never matched again because generations are never reused.
    struct Slot {
        std::uint64_t generation = 0;
        Shard* shard = nullptr;
    };
    thread_local std::array<Slot, 4> slots{};
    thread_local std::size_t next_slot = 0;
    for (const auto& s : slots)
        if (s.generation == generation_) return *s.shard;
    std::lock_guard lock(shards_mutex_);
    Shard* shard = shards_.emplace_back(std::make_unique<Shard>()).get();
    slots[next_slot] = {generation_, shard};
    next_slot = (next_slot + 1) % slots.size();
    return *shard;
}

void Metrics::count(Series series, std::initializer_list<std::string_view> labels, double amount) {
    bump(local_shard().cell(series, labels).value, amount);
}

void Metrics::observe(Series series, std::initializer_list<std::string_view> labels,
                      std::chrono::nanoseconds duration) {
    Cell& c = local_shard().cell(series, labels);
    const double seconds = std::chrono::duration<double>(duration).count();
    const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
    if (static_cast<std::size_t>(bucket) < kBounds.size()) bump(c.buckets[bucket]);
    bump(c.count);
    bump(c.value, seconds);
}

void Metrics::add(Level level, std::int64_t delta) noexcept {
    levels_[static_cast<int>(level)].fetch_add(delta, std::memory_order_relaxed);
}

void Metrics::set(Level level, std::int64_t value) noexcept {
    levels_[static_cast<int>(level)].store(value, std::memory_order_relaxed);
}

void Metrics::add_gauge(std::string name, std::string help, std::string label, Sampler sample) {
    gauges_.push_back({std::move(name), std::move(help), std::move(label), std::move(sample)});
}

std::string_view Metrics::method_label(std::string_view method) noexcept {
    static constexpr std::string_view kKnown[] = {
        "initialize",
        "ping",
        "server/discover",
        "tools/list",
        "tools/call",
        "resources/list",
        "resources/templates/list",
        "resources/read",
        "resources/subscribe",
        "resources/unsubscribe",
        "prompts/list",
        "prompts/get",
        "completion/complete",
        "logging/setLevel",
        "subscriptions/listen",
        "tasks/get",
        "tasks/update",
        "tasks/cancel",
        "tasks/result",
        "tasks/list",
    };
    for (auto known : kKnown)
        if (known == method) return known;
    return "other";
}

std::string Metrics::exposition() const {
    struct Sum {
        Series series;
        std::vector<std::string> labels;
        double value = 0;
        std::uint64_t count = 0;
        std::array<std::uint64_t, kBounds.size()> buckets{};
    };
    std::map<std::pair<int, std::vector<std::string>>, Sum> sums;
    {
        std::lock_guard lock(shards_mutex_);
        for (const auto& shard : shards_) {
            std::lock_guard shard_lock(shard->mutex);
            for (const auto& c : shard->cells) {
                auto& s = sums[{static_cast<int>(c.series), c.labels}];
                s.series = c.series;
                s.labels = c.labels;
                s.value += c.value.load(std::memory_order_relaxed);
                s.count += c.count.load(std::memory_order_relaxed);
                for (std::size_t i = 0; i < kBounds.size(); ++i)
                    s.buckets[i] += c.buckets[i].load(std::memory_order_relaxed);
            }
        }
    }

    std::vector<prometheus::MetricFamily> families;
    for (int s = 0; s <= static_cast<int>(Series::store_duration); ++s) {
        const auto& info = info_of(static_cast<Series>(s));
        prometheus::MetricFamily family{
            info.name,
            info.help,
            info.histogram ? prometheus::MetricType::Histogram : prometheus::MetricType::Counter,
            {}};
        for (const auto& [key, sum] : sums) {
            if (key.first != s) continue;
            prometheus::ClientMetric m;
            for (std::size_t i = 0; i < info.labels.size() && i < sum.labels.size(); ++i)
                if (!sum.labels[i].empty()) m.label.push_back({info.labels[i], sum.labels[i]});
            if (info.histogram) {
                // A sample can land in a bucket after its count was read: clamp so that the
                // cumulative counts never exceed the total.
                std::uint64_t cumulative = 0;
                for (std::size_t i = 0; i < kBounds.size(); ++i) {
                    cumulative = std::min(cumulative + sum.buckets[i], sum.count);
                    m.histogram.bucket.push_back({cumulative, kBounds[i]});
                }
                m.histogram.bucket.push_back({sum.count, std::numeric_limits<double>::infinity()});
                m.histogram.sample_count = sum.count;
                m.histogram.sample_sum = sum.value;
            } else {
                m.counter.value = sum.value;
            }
            family.metric.push_back(std::move(m));
        }
        families.push_back(std::move(family));
    }
    for (int l = 0; l < static_cast<int>(std::size(kLevels)); ++l) {
        prometheus::ClientMetric m;
        m.gauge.value = static_cast<double>(levels_[l].load(std::memory_order_relaxed));
        families.push_back(
            {kLevels[l].name, kLevels[l].help, prometheus::MetricType::Gauge, {std::move(m)}});
    }
    for (const auto& g : gauges_) {
        prometheus::MetricFamily family{g.name, g.help, prometheus::MetricType::Gauge, {}};
        for (auto& [label, value] : g.sample()) {
            prometheus::ClientMetric m;
            m.label.push_back({g.label, label});
            m.gauge.value = value;
            family.metric.push_back(std::move(m));
        }
        families.push_back(std::move(family));
    }
    std::ostringstream out;
    prometheus::TextSerializer{}.Serialize(out, families);
    return out.str();
}

}  // namespace warden::observability
