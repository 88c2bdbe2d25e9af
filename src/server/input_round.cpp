#include "server/input_round.hpp"

#include <algorithm>

namespace warden::server {

InputRound::InputRound(json::object answers, json::value handler_state, json::object framework_data)
    : answers_(std::move(answers)),
      handler_state_(std::move(handler_state)),
      next_handler_state_(handler_state_),
      framework_(std::move(framework_data)) {}

std::string InputRound::next_key(std::string_view kind) {
    std::lock_guard lock(mutex_);
    auto it = counters_.find(kind);
    if (it == counters_.end()) it = counters_.emplace(std::string(kind), 0).first;
    return std::string(kind) + "-" + std::to_string(++it->second);
}

const json::object* InputRound::answer(std::string_view key) {
    std::lock_guard lock(mutex_);
    const auto* found = answers_.if_contains(key);
    if (!found || !found->is_object()) return nullptr;
    if (std::find(used_.begin(), used_.end(), key) == used_.end()) used_.emplace_back(key);
    // Stable: answers_ is never changed after construction.
    return &found->get_object();
}

void InputRound::ask(std::string key, std::string method, json::object params) {
    std::lock_guard lock(mutex_);
    requests_[key] = json::object{{"method", std::move(method)}, {"params", std::move(params)}};
}

void InputRound::note_missing(std::string_view capability, std::string_view sub) {
    std::lock_guard lock(mutex_);
    auto& entry = missing_[capability];
    if (!entry.is_object()) entry = json::object{};
    if (!sub.empty()) entry.get_object()[sub] = json::object{};
}

void InputRound::require() {
    std::lock_guard lock(mutex_);
    required_ = true;
}

void InputRound::set_next_handler_state(json::value state) {
    std::lock_guard lock(mutex_);
    next_handler_state_ = std::move(state);
}

json::value InputRound::next_handler_state() const {
    std::lock_guard lock(mutex_);
    return next_handler_state_;
}

json::value InputRound::framework(std::string_view owner) const {
    std::lock_guard lock(mutex_);
    const auto* found = framework_.if_contains(owner);
    return found ? *found : json::value(nullptr);
}

void InputRound::set_framework(std::string owner, json::value data) {
    std::lock_guard lock(mutex_);
    if (data.is_null())
        framework_.erase(owner);
    else
        framework_[owner] = std::move(data);
}

bool InputRound::input_required() const {
    std::lock_guard lock(mutex_);
    return required_ || !requests_.empty();
}

json::object InputRound::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<std::string> InputRound::pending_keys() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys;
    keys.reserve(requests_.size());
    for (const auto& kv : requests_) keys.emplace_back(kv.key());
    return keys;
}

json::object InputRound::used_answers() const {
    std::lock_guard lock(mutex_);
    json::object out;
    for (const auto& key : used_) out[key] = answers_.at(key);
    return out;
}

json::object InputRound::missing_capabilities() const {
    std::lock_guard lock(mutex_);
    return missing_;
}

json::object InputRound::framework_data() const {
    std::lock_guard lock(mutex_);
    return framework_;
}

}  // namespace warden::server
