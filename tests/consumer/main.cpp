// Registers a typed tool and answers one tools/call over stdio-style framing in process.
#include <warden/warden.hpp>

#include <boost/describe.hpp>

#include <iostream>

struct Args {
    std::string name;
};
BOOST_DESCRIBE_STRUCT(Args, (), (name))

int main() {
    warden::App app({.name = "consumer", .version = "1.0.0"});
    app.tool("hello", "Say hello", [](const Args& a) { return "hello " + a.name; });
    // Serve one scripted session over stdio: the test pipes requests in.
    return app.run(1, std::array<char*, 1>{const_cast<char*>("consumer")}.data());
}
