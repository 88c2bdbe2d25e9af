#include <warden/tasks/error.hpp>

#include <string>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::tasks {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.tasks"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::not_found:
                return "Task not found";
            case Error::terminal:
                return "task already finished";
            case Error::invalid_transition:
                return "task update does not fit the task's state";
            case Error::too_many_tasks:
                return "too many unfinished tasks";
            case Error::store_unavailable:
                return "task store unavailable";
            case Error::store_schema_too_new:
                return "task store schema is newer than this build";
            case Error::bad_store_url:
                return "task store URL must be sqlite:PATH or postgresql://...";
        }
        return "unknown warden.tasks error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

boost::json::object rpc_error(boost::system::error_code ec) {
    // SEP-2663 "Protocol Errors": an invalid or nonexistent taskId is -32602.
    const bool invalid_params =
        ec == Error::not_found || ec == Error::invalid_transition || ec == Error::terminal;
    boost::json::object error;
    error["code"] = invalid_params ? -32602 : -32603;
    error["message"] = ec.category() == error_category() ? ec.message() : "internal error";
    return error;
}

}  // namespace warden::tasks
