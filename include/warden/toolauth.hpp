#pragma once
// Tool-level auth: tools declare the user's downstream OAuth token (`Tool::requires_auth`)
// and secrets (`Tool::requires_secrets`); Warden runs the OAuth client flow on the user's
// behalf, keeps tokens encrypted in a store, refreshes them and hands them to the call.
// See docs/tool-level-auth.md.

#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/error.hpp>
#include <warden/toolauth/options.hpp>
#include <warden/toolauth/provider.hpp>
#include <warden/toolauth/scopes.hpp>
#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/state.hpp>
#include <warden/toolauth/token_store.hpp>
#include <warden/toolauth/tool_auth.hpp>
