// The token store as observability sees it: each operation's latency in
// warden_store_operation_duration_seconds{operation="token_get|token_put|..."}, whatever
// the backend (SQLite, PostgreSQL, one a program supplies).
#include "toolauth/timed_store.hpp"

#include "observability/hub.hpp"

namespace warden::toolauth {

namespace {

using observability::ScopedTimer;
using observability::Series;

class TimedTokenStore final : public TokenStore {
  public:
    explicit TimedTokenStore(std::shared_ptr<TokenStore> inner) : inner_(std::move(inner)) {}

    result<std::optional<TokenRecord>> get(const std::string& user_id,
                                           const std::string& provider) override {
        ScopedTimer timer(Series::store_duration, "token_get");
        return inner_->get(user_id, provider);
    }
    result<void> put(const TokenRecord& record) override {
        ScopedTimer timer(Series::store_duration, "token_put");
        return inner_->put(record);
    }
    result<std::size_t> remove(const std::string& user_id, const std::string& provider) override {
        ScopedTimer timer(Series::store_duration, "token_remove");
        return inner_->remove(user_id, provider);
    }
    result<std::vector<TokenInfo>> list() override {
        ScopedTimer timer(Series::store_duration, "token_list");
        return inner_->list();
    }

  private:
    std::shared_ptr<TokenStore> inner_;
};

}  // namespace

std::shared_ptr<TokenStore> timed_token_store(std::shared_ptr<TokenStore> store) {
    return std::make_shared<TimedTokenStore>(std::move(store));
}

}  // namespace warden::toolauth
