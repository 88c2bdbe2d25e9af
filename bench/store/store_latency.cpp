// Latency of each shared-store operation, one caller at a time: the token store (get, put),
// pending authorizations (issue, consume), the requestState and DPoP single-use caches.
// Usage: bench_store URL [N]   (URL: postgresql://... or sqlite:PATH; N: operations each,
// default 2000). Prints one markdown table: median, p99 and mean in microseconds.

#include <warden/auth/dpop.hpp>
#include <warden/state/replay_cache.hpp>
#include <warden/toolauth/state.hpp>
#include <warden/toolauth/token_store.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace warden;
using Clock = std::chrono::steady_clock;

void report(const char* name, std::vector<double> us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double v : us) sum += v;
    std::printf("| %s | %.0f | %.0f | %.0f |\n", name, us[us.size() / 2],
                us[std::min(us.size() - 1, us.size() * 99 / 100)], sum / us.size());
}

bool measure(const char* name, int n, const std::function<bool(int)>& op) {
    std::vector<double> us;
    us.reserve(n);
    for (int i = 0; i < n; ++i) {
        const auto start = Clock::now();
        if (!op(i)) {
            std::fprintf(stderr, "%s failed at %d\n", name, i);
            return false;
        }
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    report(name, std::move(us));
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_store postgresql://...|sqlite:PATH [N]\n");
        return 2;
    }
    const int n = argc > 2 ? std::atoi(argv[2]) : 2000;
    auto where = toolauth::parse_store_url(argv[1], "");
    if (!where) return 2;
    toolauth::StoreKey key;
    key.bytes.fill(7);
    auto tokens = toolauth::open_token_store(*where, key);
    auto pending =
        toolauth::open_shared_pending_store(*where, key, std::chrono::minutes(10), 16, 1'000'000);
    if (!tokens || !pending) return 1;
    std::printf("| operation (%s, %d each) | median µs | p99 µs | mean µs |\n|---|---|---|---|\n",
                where->postgres ? "PostgreSQL" : "SQLite", n);
    bool ok = measure("token put", n, [&](int i) {
        toolauth::TokenRecord r;
        r.user_id = "user-" + std::to_string(i % 100);
        r.provider = "github";
        r.access_token = "gho_" + std::to_string(i);
        r.scopes = {"repo"};
        r.updated_at = std::chrono::system_clock::now();
        return bool((*tokens)->put(r));
    });
    ok = ok && measure("token get", n, [&](int i) {
             auto r = (*tokens)->get("user-" + std::to_string(i % 100), "github");
             return r && r->has_value();
         });
    std::vector<std::string> states;
    ok = ok && measure("pending issue", n, [&](int i) {
             toolauth::PendingAuthorization p;
             p.user_id = "user-" + std::to_string(i);
             p.provider = "github";
             p.code_verifier = "verifier";
             auto s = (*pending)->issue(p);
             if (s) states.push_back(*s);
             return bool(s);
         });
    ok = ok && measure("pending consume", n, [&](int i) {
             return bool((*pending)->consume(states[static_cast<std::size_t>(i)]));
         });
    if (where->postgres) {
        auto replay = state::make_postgres_replay_cache(where->target);
        const auto now = std::chrono::system_clock::now();
        ok = ok && measure("requestState consume", n, [&](int i) {
                 auto r = replay->consume("bench-" + std::to_string(i) + "-" +
                                              std::to_string(now.time_since_epoch().count()),
                                          "bench", now + std::chrono::minutes(5), now);
                 return r && *r;
             });
        auto dpop = auth::DpopReplayCache::on_postgres(where->target);
        ok = ok && measure("DPoP jti remember", n, [&](int i) {
                 auth::DpopReplayCache::Key k{};
                 std::snprintf(reinterpret_cast<char*>(k.data()), k.size(), "%d-%lld", i,
                               static_cast<long long>(now.time_since_epoch().count() % 1000000007));
                 return dpop->remember(k, now + std::chrono::minutes(5), now) ==
                        auth::DpopReplayCache::Verdict::fresh;
             });
    }
    return ok ? 0 : 1;
}
