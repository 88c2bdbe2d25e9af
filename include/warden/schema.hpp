#pragma once
// JSON Schema (2020-12) generation and strict JSON <-> C++ conversion for tool arguments
// and results described with Boost.Describe.
//
// Supported: bool, integers, floating point, std::string, std::optional<T> (not required),
// std::vector<T>, std::map<std::string, T>, described enums (string enums), described
// structs (nested objects), boost::json::value/object (any). A struct may carry per-field
// descriptions as
//     static constexpr std::pair<std::string_view, std::string_view> field_docs[] = {
//         {"field", "What the field means"}};

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace warden::schema {

namespace json = boost::json;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T>
concept DescribedStruct = boost::describe::has_describe_members<T>::value && std::is_class_v<T>;
template <class T>
concept DescribedEnum = boost::describe::has_describe_enumerators<T>::value;
template <class T>
concept HasFieldDocs = requires {
    T::field_docs;
};

template <class T>
std::string_view field_doc(std::string_view field) {
    if constexpr (HasFieldDocs<T>) {
        for (const auto& [name, doc] : T::field_docs)
            if (name == field) return doc;
    }
    return {};
}

/// The JSON Schema of `T` (without the `$schema` keyword).
template <class T>
json::object schema_of() {
    if constexpr (std::is_same_v<T, bool>) {
        return {{"type", "boolean"}};
    } else if constexpr (std::is_integral_v<T>) {
        return {{"type", "integer"}};
    } else if constexpr (std::is_floating_point_v<T>) {
        return {{"type", "number"}};
    } else if constexpr (std::is_same_v<T, std::string>) {
        return {{"type", "string"}};
    } else if constexpr (std::is_same_v<T, json::value>) {
        return {};
    } else if constexpr (std::is_same_v<T, json::object>) {
        return {{"type", "object"}};
    } else if constexpr (is_optional<T>::value) {
        return schema_of<typename T::value_type>();
    } else if constexpr (is_vector<T>::value) {
        return {{"type", "array"}, {"items", schema_of<typename T::value_type>()}};
    } else if constexpr (is_string_map<T>::value) {
        return {{"type", "object"}, {"additionalProperties", schema_of<typename T::mapped_type>()}};
    } else if constexpr (DescribedEnum<T>) {
        json::array names;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
            [&](auto e) { names.emplace_back(e.name); });
        return {{"type", "string"}, {"enum", std::move(names)}};
    } else if constexpr (DescribedStruct<T>) {
        json::object properties;
        json::array required;
        using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
        boost::mp11::mp_for_each<Members>([&](auto member) {
            using Field = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
            json::object field_schema = schema_of<Field>();
            if (auto doc = field_doc<T>(member.name); !doc.empty())
                field_schema["description"] = doc;
            properties[member.name] = std::move(field_schema);
            if constexpr (!is_optional<Field>::value) required.emplace_back(member.name);
        });
        json::object out{{"type", "object"}, {"properties", std::move(properties)}};
        if (!required.empty()) out["required"] = std::move(required);
        return out;
    } else {
        static_assert(sizeof(T) == 0,
                      "warden::schema: unsupported type; describe it with "
                      "BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM");
    }
}

/// Reads `v` into `out`. On failure returns false and sets `error` to a message that names
/// the offending path (e.g. "items[2].name: expected a string").
template <class T>
bool read(const json::value& v, T& out, std::string& error, const std::string& path);

namespace detail {
inline bool fail(std::string& error, const std::string& path, std::string_view what) {
    error = (path.empty() ? std::string("arguments") : path) + ": " + std::string(what);
    return false;
}
inline std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}
}  // namespace detail

template <class T>
bool read(const json::value& v, T& out, std::string& error, const std::string& path) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) return detail::fail(error, path, "expected a boolean");
        out = v.get_bool();
        return true;
    } else if constexpr (std::is_integral_v<T>) {
        // JSON numbers that are integral in value are accepted whatever their encoding
        // (1 and 1.0); anything out of T's range is an error, never a silent wrap.
        if (v.is_int64()) {
            auto i = v.get_int64();
            if (!std::in_range<T>(i)) return detail::fail(error, path, "integer out of range");
            out = static_cast<T>(i);
            return true;
        }
        if (v.is_uint64()) {
            auto u = v.get_uint64();
            if (!std::in_range<T>(u)) return detail::fail(error, path, "integer out of range");
            out = static_cast<T>(u);
            return true;
        }
        if (v.is_double()) {
            double d = v.get_double();
            if (std::trunc(d) != d || d < static_cast<double>(std::numeric_limits<T>::min()) ||
                d > static_cast<double>(std::numeric_limits<T>::max()))
                return detail::fail(error, path, "expected an integer");
            out = static_cast<T>(d);
            return true;
        }
        return detail::fail(error, path, "expected an integer");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) return detail::fail(error, path, "expected a number");
        out = static_cast<T>(v.to_number<double>());
        return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) return detail::fail(error, path, "expected a string");
        out = std::string(v.get_string());
        return true;
    } else if constexpr (std::is_same_v<T, json::value>) {
        out = v;
        return true;
    } else if constexpr (std::is_same_v<T, json::object>) {
        if (!v.is_object()) return detail::fail(error, path, "expected an object");
        out = v.get_object();
        return true;
    } else if constexpr (is_optional<T>::value) {
        if (v.is_null()) {
            out.reset();
            return true;
        }
        typename T::value_type inner{};
        if (!read(v, inner, error, path)) return false;
        out = std::move(inner);
        return true;
    } else if constexpr (is_vector<T>::value) {
        if (!v.is_array()) return detail::fail(error, path, "expected an array");
        out.clear();
        out.reserve(v.get_array().size());
        std::size_t i = 0;
        for (const auto& item : v.get_array()) {
            typename T::value_type element{};
            if (!read(item, element, error, path + "[" + std::to_string(i++) + "]")) return false;
            out.push_back(std::move(element));
        }
        return true;
    } else if constexpr (is_string_map<T>::value) {
        if (!v.is_object()) return detail::fail(error, path, "expected an object");
        out.clear();
        for (const auto& kv : v.get_object()) {
            typename T::mapped_type element{};
            if (!read(kv.value(), element, error, detail::join(path, kv.key()))) return false;
            out.emplace(std::string(kv.key()), std::move(element));
        }
        return true;
    } else if constexpr (DescribedEnum<T>) {
        if (!v.is_string()) return detail::fail(error, path, "expected a string");
        std::string_view s = v.get_string();
        bool found = false;
        std::string allowed;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
            if (s == e.name) {
                out = e.value;
                found = true;
            }
            allowed += allowed.empty() ? "" : ", ";
            allowed += e.name;
        });
        if (!found) return detail::fail(error, path, "must be one of: " + allowed);
        return true;
    } else if constexpr (DescribedStruct<T>) {
        if (!v.is_object()) return detail::fail(error, path, "expected an object");
        const auto& obj = v.get_object();
        bool ok = true;
        using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
        boost::mp11::mp_for_each<Members>([&](auto member) {
            if (!ok) return;
            using Field = std::remove_cvref_t<decltype(out.*member.pointer)>;
            auto field_path = detail::join(path, member.name);
            if (const json::value* field = obj.if_contains(member.name)) {
                ok = read(*field, out.*member.pointer, error, field_path);
            } else if constexpr (!is_optional<Field>::value) {
                ok = detail::fail(error, field_path, "is required");
            }
        });
        return ok;
    } else {
        static_assert(sizeof(T) == 0, "warden::schema: unsupported type");
    }
}

/// The JSON form of `value` (optional fields that are empty are left out).
template <class T>
json::value write(const T& value) {
    if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T> ||
                  std::is_same_v<T, std::string> || std::is_same_v<T, json::value> ||
                  std::is_same_v<T, json::object>) {
        return json::value(value);
    } else if constexpr (is_optional<T>::value) {
        return value ? write(*value) : json::value(nullptr);
    } else if constexpr (is_vector<T>::value) {
        json::array out;
        out.reserve(value.size());
        for (const auto& item : value) out.push_back(write(item));
        return out;
    } else if constexpr (is_string_map<T>::value) {
        json::object out;
        for (const auto& [k, item] : value) out[k] = write(item);
        return out;
    } else if constexpr (DescribedEnum<T>) {
        const char* name = "";
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
            if (value == e.value) name = e.name;
        });
        return json::value(name);
    } else if constexpr (DescribedStruct<T>) {
        json::object out;
        using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
        boost::mp11::mp_for_each<Members>([&](auto member) {
            using Field = std::remove_cvref_t<decltype(value.*member.pointer)>;
            if constexpr (is_optional<Field>::value) {
                if (!(value.*member.pointer)) return;
            }
            out[member.name] = write(value.*member.pointer);
        });
        return out;
    } else {
        static_assert(sizeof(T) == 0, "warden::schema: unsupported type");
    }
}

}  // namespace warden::schema
