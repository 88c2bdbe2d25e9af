// The task store as observability sees it: each operation's latency in
// warden_store_operation_duration_seconds{operation="task_create|task_get|..."}, whatever
// the backend (SQLite, PostgreSQL).
#include "server/timed_task_store.hpp"

#include "observability/hub.hpp"

namespace warden::server {

namespace {

using observability::ScopedTimer;
using observability::Series;
using namespace warden::tasks;

class TimedTaskStore final : public TaskStore {
  public:
    explicit TimedTaskStore(std::shared_ptr<TaskStore> inner) : inner_(std::move(inner)) {}

    result<Task> create(const NewTask& task, Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_create");
        return inner_->create(task, now);
    }
    result<Task> get(std::string_view id, const Owner& owner, Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_get");
        return inner_->get(id, owner, now);
    }
    result<SubmitOutcome> submit_input(std::string_view id, const Owner& owner,
                                       const boost::json::object& responses,
                                       Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_submit_input");
        return inner_->submit_input(id, owner, responses, now);
    }
    result<CancelOutcome> request_cancel(std::string_view id, const Owner& owner,
                                         Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_cancel");
        return inner_->request_cancel(id, owner, now);
    }
    result<std::vector<Task>> list(const Owner& owner, Clock::time_point now, std::size_t limit,
                                   std::string_view after_id) override {
        ScopedTimer timer(Series::store_duration, "task_list");
        return inner_->list(owner, now, limit, after_id);
    }
    result<Task> load(std::string_view id) override {
        ScopedTimer timer(Series::store_duration, "task_load");
        return inner_->load(id);
    }
    result<Task> update(std::string_view id, const Update& update, Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_update");
        return inner_->update(id, update, now);
    }
    result<std::vector<Task>> unfinished(Clock::time_point now, std::size_t limit) override {
        ScopedTimer timer(Series::store_duration, "task_unfinished");
        return inner_->unfinished(now, limit);
    }
    result<std::size_t> purge_expired(Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_purge");
        return inner_->purge_expired(now);
    }
    result<void> hold(const std::vector<std::string>& ids, Clock::time_point until) override {
        ScopedTimer timer(Series::store_duration, "task_hold");
        return inner_->hold(ids, until);
    }
    result<std::size_t> fail_abandoned(Clock::time_point now) override {
        ScopedTimer timer(Series::store_duration, "task_fail_abandoned");
        return inner_->fail_abandoned(now);
    }

  private:
    std::shared_ptr<TaskStore> inner_;
};

}  // namespace

std::shared_ptr<TaskStore> timed_task_store(std::shared_ptr<TaskStore> store) {
    return std::make_shared<TimedTaskStore>(std::move(store));
}

}  // namespace warden::server
