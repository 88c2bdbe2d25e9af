// The SQLite task store: owner binding (another owner's task is "not found" like an
// unknown one), the status machine, tasks/update and tasks/cancel semantics (SEP-2663),
// TTL, restart, limits, sharing a file with the token store.
// Built a second time with WARDEN_TASKS_ON_POSTGRES as postgres_task_store_test: the same
// cases against the PostgreSQL task store (scripts/test-postgres.sh passes
// WARDEN_TEST_POSTGRES_URL); a "path" then names a fresh table, a second store on the
// same path is another replica's connection.
#include <warden/tasks.hpp>
#include <warden/toolauth/token_store.hpp>

#include "support/temp_dirs.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <vector>

#ifdef WARDEN_TASKS_ON_POSTGRES
#include <libpq-fe.h>

#include <cstdlib>
#endif

namespace {

namespace tk = warden::tasks;
namespace json = boost::json;
using namespace std::chrono_literals;

const tk::Clock::time_point kT0 = tk::Clock::time_point(1'800'000'000'000ms);

std::string temp_db(const char* name) {
    return (warden::testing::fresh_temp_dir("warden-tasks", name) / "store.db").string();
}

const tk::Owner kAlice{"https://as.example", "alice", "client-1"};
const tk::Owner kBob{"https://as.example", "bob", "client-1"};

tk::NewTask new_task(tk::Owner owner = kAlice) {
    tk::NewTask n;
    n.owner = std::move(owner);
    n.method = "tools/call";
    n.params = json::parse(R"({"name":"slow_compute","arguments":{"seconds":5}})").as_object();
    n.ttl = 60'000ms;
    n.poll_interval = 500ms;
    n.status_message = "started";
    return n;
}

json::object obj(std::string_view text) {
    return json::parse(text).as_object();
}

#ifdef WARDEN_TASKS_ON_POSTGRES
std::shared_ptr<tk::TaskStore> open_store(const std::string& path, tk::StoreOptions o = {}) {
    static std::set<std::string> seen;
    const char* url = std::getenv("WARDEN_TEST_POSTGRES_URL");
    EXPECT_TRUE(url) << "run through scripts/test-postgres.sh";
    if (!url) return nullptr;
    if (seen.insert(path).second) {  // a new "file": an empty table
        PGconn* c = PQconnectdb(url);
        PQclear(PQexec(c,
                       "SET client_min_messages = warning; DROP TABLE IF EXISTS warden_tasks; "
                       "DELETE FROM warden_schema WHERE component = 'tasks'"));
        PQfinish(c);
    }
    auto s = tk::open_postgres_task_store(url, o);
    EXPECT_TRUE(s) << s.error().message();
    return *s;
}
#else
std::shared_ptr<tk::TaskStore> open_store(const std::string& path, tk::StoreOptions o = {}) {
    auto s = tk::open_sqlite_task_store(path, o);
    EXPECT_TRUE(s) << s.error().message();
    return *s;
}
#endif

tk::Update ask(std::string_view requests) {
    tk::Update u;
    u.status = tk::Status::input_required;
    u.input_requests = obj(requests);
    u.resume_state = std::string("\x00\x01sealed", 8);
    u.status_message = "waiting for you";
    return u;
}

const char* kTwoQuestions =
    R"({"name":{"method":"elicitation/create","params":{"message":"Name?"}},)"
    R"("color":{"method":"elicitation/create","params":{"message":"Color?"}}})";

TEST(TaskStore, CreatesWorkingTaskWithRandomIdAndPrivateFile) {
    const auto path = temp_db("create");
    auto store = open_store(path);
    auto t = store->create(new_task(), kT0);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->id.size(), 32u);
    EXPECT_EQ(t->status, tk::Status::working);
    EXPECT_EQ(t->created_at, kT0);
    auto other = store->create(new_task(), kT0);
    EXPECT_NE(other->id, t->id);
    auto got = store->get(t->id, kAlice, kT0 + 1s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->method, "tools/call");
    EXPECT_EQ(got->params, new_task().params);
    EXPECT_EQ(got->ttl, 60'000ms);
    EXPECT_EQ(got->poll_interval, 500ms);
    EXPECT_EQ(got->status_message, "started");
#ifndef WARDEN_TASKS_ON_POSTGRES
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
#endif
}

TEST(TaskStore, AnotherOwnersTaskIsNotFoundLikeAnUnknownOne) {
    auto store = open_store(temp_db("owner"));
    auto t = store->create(new_task(), kT0);
    ASSERT_TRUE(t);
    ASSERT_TRUE(store->update(t->id, ask(kTwoQuestions), kT0));
    const auto unknown = store->get("no-such-task", kAlice, kT0);
    for (const tk::Owner& other :
         {kBob, tk::Owner{"https://as.example", "alice", "client-2"},
          tk::Owner{"https://evil.example", "alice", "client-1"}, tk::Owner{}}) {
        auto got = store->get(t->id, other, kT0);
        ASSERT_FALSE(got);
        EXPECT_EQ(got.error(), unknown.error());
        EXPECT_EQ(got.error(), tk::Error::not_found);
        EXPECT_EQ(
            store->submit_input(t->id, other, obj(R"({"name":{"action":"accept"}})"), kT0).error(),
            tk::Error::not_found);
        EXPECT_EQ(store->request_cancel(t->id, other, kT0).error(), tk::Error::not_found);
        EXPECT_TRUE(store->list(other, kT0, 10, "")->empty());
        EXPECT_EQ(store->list(other, kT0, 10, t->id).error(), tk::Error::not_found);
    }
    // Nothing the others tried changed alice's task.
    auto mine = store->get(t->id, kAlice, kT0);
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->status, tk::Status::input_required);
    EXPECT_EQ(mine->input_requests.size(), 2u);
    EXPECT_TRUE(mine->input_responses.empty());
}

TEST(TaskStore, PartialAnswersKeepWaitingAndTheLastResumes) {
    auto store = open_store(temp_db("input"));
    auto t = store->create(new_task(), kT0);
    ASSERT_TRUE(store->update(t->id, ask(kTwoQuestions), kT0 + 1s));
    auto first = store->submit_input(
        t->id, kAlice,
        obj(R"({"name":{"action":"accept","content":{"name":"Ada"}},"unasked":{"action":"accept"},"color":7})"),
        kT0 + 2s);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->accepted, std::vector<std::string>{"name"});
    EXPECT_EQ(first->remaining, 1u);
    EXPECT_FALSE(first->resumed);
    auto waiting = store->get(t->id, kAlice, kT0 + 2s);
    EXPECT_EQ(waiting->status, tk::Status::input_required);
    EXPECT_FALSE(waiting->input_requests.contains("name"));
    EXPECT_TRUE(waiting->input_requests.contains("color"));
    EXPECT_EQ(waiting->input_responses.at("name").at("content").at("name").as_string(), "Ada");
    EXPECT_EQ(waiting->resume_state, std::string("\x00\x01sealed", 8));
    EXPECT_EQ(waiting->updated_at, kT0 + 2s);
    // An answer to an already answered key is ignored.
    auto again =
        store->submit_input(t->id, kAlice, obj(R"({"name":{"action":"decline"}})"), kT0 + 3s);
    EXPECT_TRUE(again->accepted.empty());
    auto last =
        store->submit_input(t->id, kAlice, obj(R"({"color":{"action":"accept"}})"), kT0 + 4s);
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->resumed);
    EXPECT_EQ(last->remaining, 0u);
    auto resumed = store->get(t->id, kAlice, kT0 + 4s);
    EXPECT_EQ(resumed->status, tk::Status::working);
    EXPECT_EQ(resumed->input_responses.size(), 2u);
    EXPECT_EQ(resumed->input_responses.at("name").at("action").as_string(), "accept");
    // The runner may not ask an answered key again (keys are unique over a task's life).
    EXPECT_EQ(store->update(t->id, ask(R"({"name":{"method":"roots/list","params":{}}})"), kT0 + 5s)
                  .error(),
              tk::Error::invalid_transition);
    EXPECT_TRUE(
        store->update(t->id, ask(R"({"more":{"method":"roots/list","params":{}}})"), kT0 + 5s));
}

TEST(TaskStore, TerminalStatesNeverChange) {
    auto store = open_store(temp_db("terminal"));
    for (auto final_status : {tk::Status::completed, tk::Status::failed, tk::Status::cancelled}) {
        auto t = store->create(new_task(), kT0);
        tk::Update done;
        done.status = final_status;
        done.result = obj(R"({"content":[{"type":"text","text":"ok"}],"isError":false})");
        done.error = obj(R"({"code":-32603,"message":"boom"})");
        auto finished = store->update(t->id, done, kT0 + 1s);
        ASSERT_TRUE(finished) << tk::to_string(final_status);
        for (auto next : {tk::Status::working, tk::Status::input_required, tk::Status::completed,
                          tk::Status::failed, tk::Status::cancelled}) {
            tk::Update u = next == tk::Status::input_required ? ask(kTwoQuestions) : done;
            u.status = next;
            EXPECT_EQ(store->update(t->id, u, kT0 + 2s).error(), tk::Error::terminal);
        }
        auto late = store->submit_input(t->id, kAlice, obj(R"({"name":{}})"), kT0 + 3s);
        ASSERT_TRUE(late);
        EXPECT_TRUE(late->accepted.empty());
        EXPECT_EQ(*store->request_cancel(t->id, kAlice, kT0 + 3s),
                  tk::CancelOutcome::already_terminal);
        EXPECT_EQ(store->get(t->id, kAlice, kT0 + 3s)->status, final_status);
    }
}

TEST(TaskStore, InvalidTransitionsAreRefused) {
    auto store = open_store(temp_db("invalid"));
    auto t = store->create(new_task(), kT0);
    tk::Update empty_ask;
    empty_ask.status = tk::Status::input_required;
    EXPECT_EQ(store->update(t->id, empty_ask, kT0).error(), tk::Error::invalid_transition);
    EXPECT_EQ(store->update(t->id, ask(R"({"k":"not an object"})"), kT0).error(),
              tk::Error::invalid_transition);
    tk::Update bad_failure;
    bad_failure.status = tk::Status::failed;
    bad_failure.error = obj(R"({"message":"no code"})");
    EXPECT_EQ(store->update(t->id, bad_failure, kT0).error(), tk::Error::invalid_transition);
    EXPECT_EQ(store->update("no-such-task", bad_failure, kT0).error(), tk::Error::not_found);
    EXPECT_EQ(store->get(t->id, kAlice, kT0)->status, tk::Status::working);
}

TEST(TaskStore, CancelWhileWaitingCancelsWhileWorkingAsksTheRunner) {
    auto store = open_store(temp_db("cancel"));
    auto waiting = store->create(new_task(), kT0);
    ASSERT_TRUE(store->update(waiting->id, ask(kTwoQuestions), kT0));
    EXPECT_EQ(*store->request_cancel(waiting->id, kAlice, kT0 + 1s), tk::CancelOutcome::cancelled);
    auto w = store->get(waiting->id, kAlice, kT0 + 1s);
    EXPECT_EQ(w->status, tk::Status::cancelled);
    EXPECT_TRUE(w->input_requests.empty());
    EXPECT_TRUE(w->resume_state.empty());

    auto working = store->create(new_task(), kT0);
    EXPECT_EQ(*store->request_cancel(working->id, kAlice, kT0 + 1s), tk::CancelOutcome::requested);
    auto r = store->load(working->id);
    EXPECT_EQ(r->status, tk::Status::working);
    EXPECT_TRUE(r->cancel_requested);
    tk::Update cancel;
    cancel.status = tk::Status::cancelled;
    cancel.status_message = "cancelled by the client";
    EXPECT_TRUE(store->update(working->id, cancel, kT0 + 2s));
    EXPECT_EQ(store->get(working->id, kAlice, kT0 + 2s)->status_message, "cancelled by the client");
}

TEST(TaskStore, ExpiresAtItsTtlAndIsPurged) {
    auto store = open_store(temp_db("ttl"));
    auto t = store->create(new_task(), kT0);  // ttl 60 s
    auto forever = new_task();
    forever.ttl.reset();
    auto f = store->create(forever, kT0);
    EXPECT_TRUE(store->get(t->id, kAlice, kT0 + 60'000ms - 1ms));
    EXPECT_TRUE(store->get(t->id, kAlice, kT0 + 59s));
    EXPECT_EQ(store->get(t->id, kAlice, kT0 + 60s).error(), tk::Error::not_found);
    EXPECT_EQ(store->get(t->id, kAlice, kT0 + 61s).error(), tk::Error::not_found);
    EXPECT_EQ(*store->purge_expired(kT0 + 59s), 0u);
    EXPECT_EQ(*store->purge_expired(kT0 + 60s), 1u);
    EXPECT_EQ(store->load(t->id).error(), tk::Error::not_found);
    EXPECT_TRUE(store->get(f->id, kAlice, kT0 + 1000h));
}

TEST(TaskStore, SurvivesARestart) {
    const auto path = temp_db("restart");
    std::string done_id, waiting_id;
    {
        auto store = open_store(path);
        auto done = store->create(new_task(), kT0);
        tk::Update complete;
        complete.status = tk::Status::completed;
        complete.result = obj(R"({"content":[{"type":"text","text":"42"}],"isError":false})");
        complete.status_message = "finished";
        ASSERT_TRUE(store->update(done->id, complete, kT0 + 3s));
        auto waiting = store->create(new_task(), kT0);
        ASSERT_TRUE(store->update(waiting->id, ask(kTwoQuestions), kT0 + 1s));
        ASSERT_TRUE(store->submit_input(waiting->id, kAlice, obj(R"({"name":{"action":"accept"}})"),
                                        kT0 + 2s));
        done_id = done->id;
        waiting_id = waiting->id;
    }
    auto store = open_store(path);
    auto done = store->get(done_id, kAlice, kT0 + 10s);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->status, tk::Status::completed);
    EXPECT_EQ(done->result->at("content").as_array()[0].at("text").as_string(), "42");
    EXPECT_EQ(done->status_message, "finished");
    EXPECT_EQ(done->updated_at, kT0 + 3s);
    auto waiting = store->get(waiting_id, kAlice, kT0 + 10s);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->status, tk::Status::input_required);
    EXPECT_EQ(waiting->input_requests.size(), 1u);
    EXPECT_EQ(waiting->input_responses.size(), 1u);
    EXPECT_EQ(waiting->resume_state, std::string("\x00\x01sealed", 8));
    EXPECT_EQ(store->get(done_id, kBob, kT0 + 10s).error(), tk::Error::not_found);
}

TEST(TaskStore, KeepsTheAnswersGatheredBeforeTheTask) {
    // SEP-2663 "Composition": answers of InputRequiredResult rounds become the task's
    // first recorded answers, and their keys are never asked again.
    const auto path = temp_db("gathered");
    std::string id;
    {
        auto store = open_store(path);
        auto n = new_task();
        n.input_responses = obj(R"({"name":{"action":"accept","content":{"name":"Alice"}}})");
        auto created = store->create(n, kT0);
        ASSERT_TRUE(created);
        EXPECT_EQ(created->input_responses, n.input_responses);
        id = created->id;
    }
    auto store = open_store(path);
    auto task = store->get(id, kAlice, kT0 + 1s);
    ASSERT_TRUE(task);
    EXPECT_EQ(task->input_responses.at("name").at("content").at("name").as_string(), "Alice");
    EXPECT_EQ(
        store->update(id, ask(R"({"name":{"method":"elicitation/create","params":{}}})"), kT0 + 2s)
            .error(),
        tk::Error::invalid_transition);
}

TEST(TaskStore, FindsUnfinishedWorkAfterARestart) {
    const auto path = temp_db("unfinished");
    std::string working_id;
    {
        auto store = open_store(path);
        working_id = store->create(new_task(), kT0)->id;
        auto waiting = store->create(new_task(kBob), kT0 + 1s);
        ASSERT_TRUE(store->update(waiting->id, ask(kTwoQuestions), kT0 + 1s));
        auto done = store->create(new_task(), kT0 + 2s);
        tk::Update complete;
        complete.status = tk::Status::completed;
        ASSERT_TRUE(store->update(done->id, complete, kT0 + 2s));
    }
    auto store = open_store(path);
    auto todo = store->unfinished(kT0 + 5s, 10);
    ASSERT_TRUE(todo);
    ASSERT_EQ(todo->size(), 1u);
    EXPECT_EQ((*todo)[0].id, working_id);
    EXPECT_EQ((*todo)[0].params, new_task().params);
    EXPECT_TRUE(store->unfinished(kT0 + 1h, 10)->empty());  // past its TTL
}

TEST(TaskStore, TwoConnectionsShareOneFile) {
    const auto path = temp_db("shared");
    auto a = open_store(path);
    auto b = open_store(path);
    auto t = a->create(new_task(), kT0);
    ASSERT_TRUE(t);
    // SEP-2663: durable on return, so another replica's tasks/get finds it at once.
    EXPECT_TRUE(b->get(t->id, kAlice, kT0));
    ASSERT_TRUE(b->update(t->id, ask(kTwoQuestions), kT0));
    EXPECT_EQ(a->get(t->id, kAlice, kT0)->status, tk::Status::input_required);
}

TEST(TaskStore, LimitsUnfinishedTasksPerOwner) {
    tk::StoreOptions o;
    o.max_active_per_owner = 2;
    auto store = open_store(temp_db("limit"), o);
    auto one = store->create(new_task(), kT0);
    ASSERT_TRUE(store->create(new_task(), kT0));
    EXPECT_EQ(store->create(new_task(), kT0).error(), tk::Error::too_many_tasks);
    EXPECT_TRUE(store->create(new_task(kBob), kT0));
    tk::Update done;
    done.status = tk::Status::completed;
    ASSERT_TRUE(store->update(one->id, done, kT0));
    EXPECT_TRUE(store->create(new_task(), kT0));
}

TEST(TaskStore, ListsTheOwnersLiveTasksNewestFirstInPages) {
    auto store = open_store(temp_db("list"));
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(store->create(new_task(), kT0 + std::chrono::seconds(i))->id);
    ASSERT_TRUE(store->create(new_task(kBob), kT0));
    auto page1 = store->list(kAlice, kT0 + 10s, 2, "");
    ASSERT_TRUE(page1);
    ASSERT_EQ(page1->size(), 2u);
    EXPECT_EQ((*page1)[0].id, ids[4]);
    EXPECT_EQ((*page1)[1].id, ids[3]);
    auto page2 = store->list(kAlice, kT0 + 10s, 2, page1->back().id);
    ASSERT_EQ(page2->size(), 2u);
    EXPECT_EQ((*page2)[0].id, ids[2]);
    auto page3 = store->list(kAlice, kT0 + 10s, 2, page2->back().id);
    ASSERT_EQ(page3->size(), 1u);
    EXPECT_EQ((*page3)[0].id, ids[0]);
    EXPECT_EQ(store->list(kAlice, kT0 + 1h, 10, "")->size(), 0u);  // all past their TTL
}

// Leases, for replicas sharing PostgreSQL: a working task whose lease ran out without a
// renewal (its replica is gone) ends failed; a renewed one, one waiting for input, and one
// back at work after its answers (no lease until its new run takes one) are left alone.
// A store of one's own (SQLite) has no leases: nothing changes.
TEST(TaskStore, AWorkingTaskWhoseLeaseRanOutEndsFailed) {
    auto store = open_store(temp_db("lease"));
    auto gone = store->create(new_task(), kT0);
    auto alive = store->create(new_task(), kT0);
    auto waiting = store->create(new_task(), kT0);
    auto answered = store->create(new_task(), kT0);
    ASSERT_TRUE(gone && alive && waiting && answered);
    ASSERT_TRUE(store->hold({gone->id, alive->id, waiting->id, answered->id}, kT0 + 30s));
    ASSERT_TRUE(store->update(waiting->id, ask(kTwoQuestions), kT0 + 1s));
    ASSERT_TRUE(store->update(
        answered->id, ask(R"({"name":{"method":"elicitation/create","params":{}}})"), kT0 + 1s));
    auto resumed =
        store->submit_input(answered->id, kAlice, obj(R"({"name":{"action":"accept"}})"), kT0 + 2s);
    ASSERT_TRUE(resumed && resumed->resumed);
    ASSERT_TRUE(store->hold({alive->id}, kT0 + 60s));  // renewed by its replica
    const auto later = kT0 + 45s;
    auto failed = store->fail_abandoned(later);
    ASSERT_TRUE(failed);
    auto g = store->get(gone->id, kAlice, later);
    ASSERT_TRUE(g);
#ifdef WARDEN_TASKS_ON_POSTGRES
    EXPECT_EQ(*failed, 1u);
    EXPECT_EQ(g->status, tk::Status::failed);
    EXPECT_EQ(g->status_message, "The server running this task stopped");
    ASSERT_TRUE(g->error);
    EXPECT_EQ(g->error->at("code"), -32603);
    EXPECT_EQ(g->updated_at, later);
#else
    EXPECT_EQ(*failed, 0u);
    EXPECT_EQ(g->status, tk::Status::working);
#endif
    EXPECT_EQ(store->get(alive->id, kAlice, later)->status, tk::Status::working);
    EXPECT_EQ(store->get(waiting->id, kAlice, later)->status, tk::Status::input_required);
    EXPECT_EQ(store->get(answered->id, kAlice, later)->status, tk::Status::working);
    // A failed task is terminal: the replica that comes back cannot complete it.
    tk::Update done;
    done.status = tk::Status::completed;
    done.result = obj(R"({"content":[]})");
#ifdef WARDEN_TASKS_ON_POSTGRES
    EXPECT_EQ(store->update(gone->id, done, later + 1s).error(), tk::Error::terminal);
#endif
}

#ifndef WARDEN_TASKS_ON_POSTGRES
TEST(TaskStore, RefusesANewerSchema) {
    const auto path = temp_db("schema");
    { open_store(path); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE warden_schema SET version = 99 WHERE component = 'tasks'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    EXPECT_EQ(tk::open_sqlite_task_store(path).error(), tk::Error::store_schema_too_new);
}

TEST(TaskStore, SharesADatabaseFileWithTheTokenStore) {
    const auto path = temp_db("with-tokens");
    auto tasks = open_store(path);
    warden::toolauth::StoreKey key;
    key.bytes.fill(7);
    auto tokens = warden::toolauth::open_sqlite_token_store(path, key);
    ASSERT_TRUE(tokens);
    warden::toolauth::TokenRecord r;
    r.user_id = "alice";
    r.provider = "github";
    r.access_token = "gho_x";
    ASSERT_TRUE((*tokens)->put(r));
    auto t = tasks->create(new_task(), kT0);
    ASSERT_TRUE(t);
    auto tasks_again = open_store(path);
    EXPECT_TRUE(tasks_again->get(t->id, kAlice, kT0));
    EXPECT_EQ((*(*tokens)->get("alice", "github"))->access_token, "gho_x");
}
#endif

#ifndef WARDEN_TASKS_ON_POSTGRES
TEST(TaskStore, OpensTheStoreTheUrlNames) {
    const auto path = temp_db("by-url");
    auto by_url = tk::open_task_store("sqlite:" + path, "/nonexistent/never-used.db");
    ASSERT_TRUE(by_url) << by_url.error().message();
    auto t = (*by_url)->create(new_task(), kT0);
    ASSERT_TRUE(t);
    EXPECT_TRUE(open_store(path)->get(t->id, kAlice, kT0)) << "the same file";
    EXPECT_TRUE(tk::open_task_store("", path)) << "empty: the default path";
    EXPECT_EQ(tk::open_task_store("mysql://127.0.0.1/x", path).error(), tk::Error::bad_store_url);
}
#endif

TEST(TaskWire, ShapesFollowSep2663) {
    tk::Task t;
    t.id = "abc";
    t.owner = kAlice;
    t.created_at = kT0 + 123ms;
    t.updated_at = kT0 + 2s;
    t.ttl = 60'000ms;
    t.resume_state = "secret-runner-state";
    t.input_responses = obj(R"({"old":{"action":"accept"}})");
    auto w = tk::to_wire(t);
    EXPECT_EQ(w.at("taskId").as_string(), "abc");
    EXPECT_EQ(w.at("status").as_string(), "working");
    EXPECT_EQ(w.at("createdAt").as_string(), "2027-01-15T08:00:00.123Z");
    EXPECT_EQ(w.at("lastUpdatedAt").as_string(), "2027-01-15T08:00:02.000Z");
    EXPECT_EQ(w.at("ttlMs").as_int64(), 60000);
    for (const char* absent : {"pollIntervalMs", "statusMessage", "inputRequests", "result",
                               "error", "requestState", "resultType", "ttl", "pollInterval"})
        EXPECT_FALSE(w.contains(absent)) << absent;
    const std::string text = json::serialize(w);
    EXPECT_EQ(text.find("secret-runner-state"), std::string::npos);
    EXPECT_EQ(text.find("alice"), std::string::npos);

    t.ttl.reset();
    t.poll_interval = 250ms;
    t.status = tk::Status::input_required;
    t.input_requests = obj(kTwoQuestions);
    t.status_message = "waiting";
    w = tk::to_wire(t);
    EXPECT_TRUE(w.at("ttlMs").is_null());
    EXPECT_EQ(w.at("pollIntervalMs").as_int64(), 250);
    EXPECT_EQ(w.at("inputRequests").as_object().size(), 2u);
    EXPECT_EQ(w.at("statusMessage").as_string(), "waiting");

    t.status = tk::Status::completed;
    t.result = obj(R"({"content":[],"isError":true})");
    w = tk::to_wire(t);
    EXPECT_FALSE(w.contains("inputRequests"));
    EXPECT_TRUE(w.at("result").at("isError").as_bool());

    t.status = tk::Status::failed;
    t.error = obj(R"({"code":-32603,"message":"boom"})");
    w = tk::to_wire(t);
    EXPECT_FALSE(w.contains("result"));
    EXPECT_EQ(w.at("error").at("code").as_int64(), -32603);
}

TEST(TaskStatus, NamesAndTerminality) {
    for (auto s : {tk::Status::working, tk::Status::input_required, tk::Status::completed,
                   tk::Status::failed, tk::Status::cancelled})
        EXPECT_EQ(tk::parse_status(tk::to_string(s)), s);
    EXPECT_FALSE(tk::parse_status("done"));
    EXPECT_FALSE(tk::is_terminal(tk::Status::working));
    EXPECT_FALSE(tk::is_terminal(tk::Status::input_required));
    EXPECT_TRUE(tk::is_terminal(tk::Status::cancelled));
    EXPECT_EQ(tk::rpc_error(tk::Error::not_found).at("code").as_int64(), -32602);
    EXPECT_EQ(tk::rpc_error(tk::Error::not_found).at("message").as_string(), "Task not found");
    EXPECT_EQ(tk::rpc_error(tk::Error::store_unavailable).at("code").as_int64(), -32603);
    warden::Principal p;
    p.issuer = "iss";
    p.user_id = "sub";
    p.client_id = "cid";
    EXPECT_EQ(tk::owner_of(&p), (tk::Owner{"iss", "sub", "cid"}));
    EXPECT_EQ(tk::owner_of(nullptr), tk::Owner{});
}

}  // namespace
