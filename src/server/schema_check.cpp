#include "server/schema_check.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>

namespace warden::server {

namespace json = boost::json;

namespace {

bool has_type(const json::value& v, std::string_view type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
        if (v.is_int64() || v.is_uint64()) return true;
        return v.is_double() && std::trunc(v.get_double()) == v.get_double();
    }
    return true;  // unknown type names are not ours to judge
}

std::string where(const std::string& path) {
    return path.empty() ? "arguments" : path;
}

std::string check(const json::value& v, const json::object& schema, const std::string& path,
                  int depth) {
    if (depth > 32) return {};  // pathological nesting: leave the rest to the handler
    if (const auto* type = schema.if_contains("type")) {
        bool ok = false;
        std::string names;
        if (type->is_string()) {
            ok = has_type(v, type->get_string());
            names = type->get_string();
        } else if (type->is_array()) {
            for (const auto& t : type->get_array()) {
                if (!t.is_string()) continue;
                ok = ok || has_type(v, t.get_string());
                names += (names.empty() ? "" : " or ") + std::string(t.get_string());
            }
        } else {
            ok = true;
        }
        if (!ok) return where(path) + ": expected " + names;
    }
    if (const auto* options = schema.if_contains("enum"); options && options->is_array()) {
        bool found = false;
        for (const auto& o : options->get_array()) found = found || o == v;
        if (!found) return where(path) + ": must be one of " + json::serialize(*options);
    }
    if (const auto* c = schema.if_contains("const"); c && *c != v)
        return where(path) + ": must be " + json::serialize(*c);
    if (v.is_number()) {
        double d = v.to_number<double>();
        if (const auto* m = schema.if_contains("minimum");
            m && m->is_number() && d < m->to_number<double>())
            return where(path) + ": must be >= " + json::serialize(*m);
        if (const auto* m = schema.if_contains("maximum");
            m && m->is_number() && d > m->to_number<double>())
            return where(path) + ": must be <= " + json::serialize(*m);
    }
    if (v.is_string()) {
        auto len = v.get_string().size();
        if (const auto* m = schema.if_contains("minLength");
            m && m->is_int64() && len < static_cast<std::size_t>(m->get_int64()))
            return where(path) + ": is shorter than " + json::serialize(*m);
        if (const auto* m = schema.if_contains("maxLength");
            m && m->is_int64() && len > static_cast<std::size_t>(m->get_int64()))
            return where(path) + ": is longer than " + json::serialize(*m);
    }
    if (const auto* obj = v.if_object()) {
        if (const auto* req = schema.if_contains("required"); req && req->is_array())
            for (const auto& name : req->get_array())
                if (name.is_string() && !obj->contains(name.get_string()))
                    return where(path.empty() ? std::string(name.get_string())
                                              : path + "." + std::string(name.get_string())) +
                           ": is required";
        if (const auto* props = schema.if_contains("properties"); props && props->is_object())
            for (const auto& kv : props->get_object()) {
                const auto* field = obj->if_contains(kv.key());
                if (!field || !kv.value().is_object()) continue;
                auto sub =
                    path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
                if (auto e = check(*field, kv.value().get_object(), sub, depth + 1); !e.empty())
                    return e;
            }
    }
    if (const auto* arr = v.if_array()) {
        if (const auto* items = schema.if_contains("items"); items && items->is_object()) {
            std::size_t i = 0;
            for (const auto& item : *arr) {
                auto sub = path + "[" + std::to_string(i++) + "]";
                if (auto e = check(item, items->get_object(), sub, depth + 1); !e.empty()) return e;
            }
        }
    }
    return {};
}

}  // namespace

std::string check_against_schema(const json::value& value, const json::object& schema) {
    return check(value, schema, {}, 0);
}

}  // namespace warden::server
