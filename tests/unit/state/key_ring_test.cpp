// State keys: from WARDEN_STATE_KEY (one key, or id:key lists for rotation) or a 0600
// key file created on first use.
#include <warden/state.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

namespace {

namespace st = warden::state;

warden::crypto::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string temp_dir(const char* name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("warden-state-" + std::string(name) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return dir.string();
}

const std::string kHexA(64, 'a');
const std::string kHexB(64, 'b');

TEST(StateKeys, OneKeyFromTheEnvironmentGetsADerivedId) {
    auto r = st::load_key_ring(env_of({{"WARDEN_STATE_KEY", kHexA}}), false);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->size(), 1u);
    EXPECT_EQ(r->current().secret.bytes[0], 0xaa);
    EXPECT_EQ(r->current().id, st::derive_key_id(r->current().secret));
    EXPECT_EQ(r->current().id.size(), 9u);
    // The same key gives the same id on every replica; another key another id.
    auto again = st::load_key_ring(env_of({{"WARDEN_STATE_KEY", kHexA}}), false);
    auto other = st::load_key_ring(env_of({{"WARDEN_STATE_KEY", kHexB}}), false);
    EXPECT_EQ(again->current().id, r->current().id);
    EXPECT_NE(other->current().id, r->current().id);
    EXPECT_EQ(r->current().id.find(kHexA.substr(0, 4)), std::string::npos);
}

TEST(StateKeys, ListSealsWithTheFirstAndOpensWithAll) {
    // base64url of 32 bytes 0xbb for the second entry.
    auto r = st::load_key_ring(
        env_of({{"WARDEN_STATE_KEY",
                 "2026-12:" + kHexA + ", 2026-11:u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7s"}}),
        false);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->size(), 2u);
    EXPECT_EQ(r->current().id, "2026-12");
    ASSERT_NE(r->find("2026-11"), nullptr);
    EXPECT_EQ(r->find("2026-11")->secret.bytes[31], 0xbb);
    EXPECT_EQ(r->find("2026-10"), nullptr);
}

TEST(StateKeys, MalformedConfigurationIsRefused) {
    for (std::string bad : {std::string("short"), kHexA + "00", "k1:" + kHexA + ",k1:" + kHexB,
                            ":" + kHexA, "bad id:" + kHexA, "k1:" + kHexA + ",",
                            std::string("k1:zz"), std::string(33, 'x') + ":" + kHexA}) {
        auto r = st::load_key_ring(env_of({{"WARDEN_STATE_KEY", bad}}), false);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), st::Error::bad_key);
        EXPECT_EQ(r.error().message().find(kHexA.substr(0, 8)), std::string::npos);
    }
    EXPECT_EQ(st::KeyRing::create({}).error(), st::Error::bad_key);
}

TEST(StateKeys, KeyFileIsCreatedPrivateAndReused) {
    const auto dir = temp_dir("file");
    auto env = env_of({{"XDG_DATA_HOME", dir}});
    EXPECT_EQ(st::load_key_ring(env, false).error(), st::Error::bad_key);
    auto created = st::load_key_ring(env, true);
    ASSERT_TRUE(created);
    const auto file = dir + "/warden/state.key";
    struct stat s {};
    ASSERT_EQ(::stat(file.c_str(), &s), 0);
    EXPECT_EQ(s.st_mode & 0777, 0600u);
    EXPECT_EQ(s.st_size, 32);
    auto again = st::load_key_ring(env, false);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->current().secret.bytes, created->current().secret.bytes);
    EXPECT_EQ(again->current().id, created->current().id);
    ::chmod(file.c_str(), 0640);
    EXPECT_EQ(st::load_key_ring(env, false).error(), st::Error::bad_key);
    std::filesystem::remove_all(dir);
}

TEST(StateKeys, KeyFileVariableAndSymlinkRefusal) {
    const auto dir = temp_dir("var");
    const auto file = dir + "/custom.key";
    auto env = env_of({{"WARDEN_STATE_KEY_FILE", file}, {"XDG_DATA_HOME", dir + "/unused"}});
    ASSERT_TRUE(st::load_key_ring(env, true));
    EXPECT_TRUE(std::filesystem::exists(file));
    EXPECT_FALSE(std::filesystem::exists(dir + "/unused"));
    const auto link = dir + "/link.key";
    std::filesystem::create_symlink(file, link);
    EXPECT_EQ(st::load_key_ring(env_of({{"WARDEN_STATE_KEY_FILE", link}}), false).error(),
              st::Error::bad_key);
    // The environment wins over a file.
    auto from_env = st::load_key_ring(
        env_of({{"WARDEN_STATE_KEY", kHexB}, {"WARDEN_STATE_KEY_FILE", file}}), false);
    ASSERT_TRUE(from_env);
    EXPECT_EQ(from_env->current().secret.bytes[0], 0xbb);
    std::filesystem::remove_all(dir);
}

}  // namespace
