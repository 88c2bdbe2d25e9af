#pragma once
// Temporary directories for a test program, removed when it ends (a test may reopen its
// files after the objects that made them are gone, so they outlive each test).

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace warden::testing {

class TempDirs : public ::testing::Environment {
  public:
    static std::vector<std::filesystem::path>& made() {
        static std::vector<std::filesystem::path> dirs;
        return dirs;
    }
    void TearDown() override {
        for (const auto& dir : made()) std::filesystem::remove_all(dir);
    }
};

/// The path `<tmp>/<prefix>-<pid>-<name>`, with nothing there (what was is removed; the
/// caller creates the directory, or lets the code under test create it), removed at the
/// end of the test program.
inline std::filesystem::path fresh_temp_dir(const std::string& prefix, const std::string& name) {
    static const auto* const environment = ::testing::AddGlobalTestEnvironment(new TempDirs);
    (void)environment;
    auto dir = std::filesystem::temp_directory_path() /
               (prefix + "-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    TempDirs::made().push_back(dir);
    return dir;
}

}  // namespace warden::testing
