#include <warden/auth/error.hpp>
#include <warden/jose/error.hpp>

#include <boost/throw_exception.hpp>

#include <stdexcept>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::auth {
namespace {

class ErrorCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.auth"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::missing_token:
                return "no bearer token in the Authorization header";
            case Error::malformed_header:
                return "malformed Authorization header";
            case Error::untrusted_issuer:
                return "the token's issuer is not trusted";
            case Error::invalid_token:
                return "the token is invalid";
            case Error::token_inactive:
                return "the token is not active";
            case Error::insufficient_scope:
                return "the token lacks a required scope";
            case Error::unavailable:
                return "the authorization server is unavailable";
            case Error::bad_document:
                return "a key set or metadata document is unusable";
            case Error::bad_introspection_response:
                return "malformed introspection response";
            case Error::bad_configuration:
                return "invalid resource server configuration";
            case Error::stopped:
                return "the validator was stopped";
        }
        return "unknown warden.auth error";
    }
    boost::system::error_condition default_error_condition(int ev) const noexcept override {
        return make_error_condition(condition_of(make_error_code(static_cast<Error>(ev))));
    }
};

class ConditionCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.auth.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<Condition>(ev)) {
            case Condition::invalid_request:
                return "invalid_request";
            case Condition::invalid_token:
                return "invalid_token";
            case Condition::insufficient_scope:
                return "insufficient_scope";
            case Condition::unavailable:
                return "unavailable";
        }
        return "unknown warden.auth condition";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const ErrorCategory category;
    return category;
}

const boost::system::error_category& condition_category() noexcept {
    static const ConditionCategory category;
    return category;
}

boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

boost::system::error_condition make_error_condition(Condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

Condition condition_of(const boost::system::error_code& ec) noexcept {
    if (ec.category() == error_category()) {
        switch (static_cast<Error>(ec.value())) {
            case Error::malformed_header:
                return Condition::invalid_request;
            case Error::insufficient_scope:
                return Condition::insufficient_scope;
            case Error::unavailable:
            case Error::bad_document:
            case Error::bad_introspection_response:
            case Error::bad_configuration:
            case Error::stopped:
                return Condition::unavailable;
            case Error::missing_token:
            case Error::untrusted_issuer:
            case Error::invalid_token:
            case Error::token_inactive:
                return Condition::invalid_token;
        }
        return Condition::invalid_token;
    }
    if (ec.category() == jose::error_category()) {
        switch (jose::condition_of(static_cast<jose::Error>(ec.value()))) {
            case jose::Condition::invalid_request:
                return Condition::invalid_request;
            case jose::Condition::invalid_token:
                return Condition::invalid_token;
            case jose::Condition::invalid_configuration:
                return Condition::unavailable;
        }
    }
    return Condition::invalid_token;
}

void throw_exception_from_error(const ConfigError& e, const boost::source_location& loc) {
    boost::throw_exception(std::invalid_argument(e.message), loc);
}

}  // namespace warden::auth
