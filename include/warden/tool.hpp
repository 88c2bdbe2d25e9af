#pragma once
// Typed tools: turns an ordinary C++ callable into a `Tool` with a generated input schema,
// argument validation, and structured output. Included by app.hpp.

#include <warden/definitions.hpp>
#include <warden/schema.hpp>

#include <boost/json/serialize.hpp>

#include <functional>
#include <type_traits>
#include <utility>

namespace warden {

namespace detail {

template <class F>
struct callable_traits : callable_traits<decltype(&std::remove_cvref_t<F>::operator())> {};
template <class R, class... A>
struct callable_traits<R (*)(A...)> {
    using result = R;
    using args = std::tuple<A...>;
};
template <class R, class... A>
struct callable_traits<R(A...)> : callable_traits<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const> : callable_traits<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...)> : callable_traits<R (*)(A...)> {};

template <class T>
using bare = std::remove_cvref_t<T>;

// What a typed handler's return value becomes on the wire.
template <class R>
ToolResult to_tool_result(R&& value) {
    using T = bare<R>;
    if constexpr (std::is_same_v<T, ToolResult>) {
        return std::forward<R>(value);
    } else if constexpr (std::is_same_v<T, std::string>) {
        return ToolResult::text(std::forward<R>(value));
    } else if constexpr (std::is_same_v<T, Content>) {
        ToolResult r;
        r.content.push_back(std::forward<R>(value));
        return r;
    } else if constexpr (std::is_same_v<T, std::vector<Content>>) {
        ToolResult r;
        r.content = std::forward<R>(value);
        return r;
    } else {
        // Structured output: structuredContent plus the same JSON as text for clients
        // that predate structured content (MCP 2025-06-18, "Structured Content").
        json::value structured = schema::write(value);
        ToolResult r;
        r.content.push_back(Content::text(json::serialize(structured)));
        r.structured = std::move(structured);
        return r;
    }
}

template <class R>
constexpr bool is_structured_result =
    !std::is_same_v<bare<R>, ToolResult> && !std::is_same_v<bare<R>, std::string> &&
    !std::is_same_v<bare<R>, Content> && !std::is_same_v<bare<R>, std::vector<Content>>;

}  // namespace detail

/// Completes `spec` from `fn`: the input schema and validation from `fn`'s argument type,
/// the output schema from its return type, and the handler. Accepted signatures:
/// `R(const Args&)`, `R(const Args&, Context&)`, `R(Context&)`, `R()`, and the raw
/// `R(const json::object& arguments, Context&)` (then `spec.input_schema` is kept as given).
/// `Args` is a described struct; `R` is `ToolResult`, `std::string`, `Content`,
/// `std::vector<Content>`, or a described struct / JSON object (structured output).
template <class F>
Tool make_tool(Tool spec, F fn) {
    using traits = detail::callable_traits<F>;
    using R = typename traits::result;
    using Args = typename traits::args;
    constexpr std::size_t arity = std::tuple_size_v<Args>;

    if constexpr (detail::is_structured_result<R> &&
                  !std::is_same_v<detail::bare<R>, json::object>) {
        if (!spec.output_schema) spec.output_schema = schema::schema_of<detail::bare<R>>();
    }

    if constexpr (arity == 0) {
        spec.handler = [fn = std::move(fn)](const json::object&, Context&) {
            return detail::to_tool_result(fn());
        };
    } else {
        using First = detail::bare<std::tuple_element_t<0, Args>>;
        if constexpr (std::is_same_v<First, Context>) {
            static_assert(arity == 1, "a tool taking Context first takes nothing else");
            spec.handler = [fn = std::move(fn)](const json::object&, Context& ctx) {
                return detail::to_tool_result(fn(ctx));
            };
        } else if constexpr (std::is_same_v<First, json::object>) {
            static_assert(arity == 2, "raw tools take (const json::object&, Context&)");
            spec.handler = [fn = std::move(fn)](const json::object& args, Context& ctx) {
                return detail::to_tool_result(fn(args, ctx));
            };
        } else {
            static_assert(schema::DescribedStruct<First>,
                          "tool arguments must be a struct described with BOOST_DESCRIBE_STRUCT");
            spec.input_schema = schema::schema_of<First>();
            // The handler converts the arguments and reports any problem with its path;
            // the generic schema check would only do the same work twice.
            spec.validate = [](const json::object&) { return std::string(); };
            spec.handler = [fn = std::move(fn)](const json::object& args, Context& ctx) {
                First parsed{};
                std::string error;
                if (!schema::read(json::value(args), parsed, error, {}))
                    return ToolResult::error("Invalid arguments: " + error);
                if constexpr (arity == 1) {
                    return detail::to_tool_result(fn(parsed));
                } else {
                    return detail::to_tool_result(fn(parsed, ctx));
                }
            };
        }
    }
    return spec;
}

}  // namespace warden
