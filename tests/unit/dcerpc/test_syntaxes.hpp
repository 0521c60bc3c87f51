#pragma once
// The abstract syntax the dcerpc tests bind to: the endpoint mapper, v3.0.
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/syntax.hpp>

namespace epmdump::test {

inline const dcerpc::syntax_id epm_v3{*parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

} // namespace epmdump::test
