#pragma once
// The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): tasks, their wire shape
// and their store. See docs/input-required-and-tasks.md.

#include <warden/tasks/error.hpp>
#include <warden/tasks/task.hpp>
#include <warden/tasks/task_store.hpp>
