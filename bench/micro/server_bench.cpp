// Micro benchmarks of the server core: a tools/call from JSON text to the serialized
// response through server::Session (parse, classify, dispatch, argument conversion, the
// worker-pool round trip, result building, serialization), and the two ways arguments are
// validated (typed conversion and the raw schema checker).
#include "server/core.hpp"
#include "server/schema_check.hpp"
#include "server/session.hpp"

#include <warden/tool.hpp>

#include <benchmark/benchmark.h>
#include <boost/describe.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace {

namespace json = boost::json;

struct EchoArgs {
    std::string text;
};
BOOST_DESCRIBE_STRUCT(EchoArgs, (), (text))

const char* const kCall =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call",)"
    R"("params":{"name":"echo","arguments":{"text":"hello from wrk 0123456789"}}})";

// Serializes the response as the HTTP transport does and wakes the benchmark thread.
class InMemoryExchange final : public warden::server::Exchange {
  public:
    void send(json::object) override {}
    void complete(json::value response) override {
        std::string body = json::serialize(response);
        std::lock_guard lock(mutex_);
        bytes_ = body.size();
        done_ = true;
        cv_.notify_one();
    }
    std::size_t wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return done_; });
        done_ = false;
        return bytes_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::size_t bytes_ = 0;
};

// `non_blocking`: the echo runs on the calling thread instead of the worker pool.
std::shared_ptr<warden::server::ServerCore> make_core(bool non_blocking) {
    auto core = std::make_shared<warden::server::ServerCore>(
        warden::ServerInfo{.name = "bench", .version = "1"}, warden::ServerOptions{});
    core->registry().add(warden::make_tool(
        {.name = "echo", .description = "Echo the text back", .non_blocking = non_blocking},
        [](const EchoArgs& a) { return a.text; }));
    return core;
}

void BM_SessionToolsCall(benchmark::State& state) {
    auto core = make_core(state.range(0) != 0);
    auto session = core->create_session({});
    session->assume_initialized("2025-11-25");
    auto exchange = std::make_shared<InMemoryExchange>();
    for (auto _ : state) {
        session->handle_text(kCall, exchange);
        benchmark::DoNotOptimize(exchange->wait());
    }
    state.SetItemsProcessed(state.iterations());
    session->close();
    core->shutdown();
}
// Argument 0: the tool runs on the worker pool; 1: it is non_blocking (runs inline).
BENCHMARK(BM_SessionToolsCall)->Arg(0)->Arg(1)->UseRealTime();

void BM_JsonParseToolsCall(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(json::parse(kCall));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonParseToolsCall);

void BM_TypedArgs(benchmark::State& state) {
    const json::value args = json::parse(R"({"text":"hello from wrk 0123456789"})");
    for (auto _ : state) {
        EchoArgs parsed{};
        std::string error;
        benchmark::DoNotOptimize(warden::schema::read(args, parsed, error, {}));
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TypedArgs);

void BM_SchemaCheck(benchmark::State& state) {
    const json::value args = json::parse(R"({"text":"hello from wrk 0123456789"})");
    const json::object schema = warden::schema::schema_of<EchoArgs>();
    for (auto _ : state)
        benchmark::DoNotOptimize(warden::server::check_against_schema(args, schema));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchemaCheck);

}  // namespace
