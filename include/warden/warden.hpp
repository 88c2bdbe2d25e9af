#pragma once
// Everything a server author needs.

#include <warden/app.hpp>
#include <warden/content.hpp>
#include <warden/context.hpp>
#include <warden/definitions.hpp>
#include <warden/error.hpp>
#include <warden/options.hpp>
#include <warden/principal.hpp>
#include <warden/schema.hpp>
#include <warden/tool.hpp>
