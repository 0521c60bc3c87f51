#pragma once
// Transfer and abstract syntaxes the epm codec tests encode towers and requests with.
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/ndr/drep.hpp>

namespace epmdump::test {

inline constexpr ndr::transfer_syntax ndr20 = ndr::transfer_syntax::ndr20;
inline constexpr ndr::transfer_syntax ndr64 = ndr::transfer_syntax::ndr64;
inline const dcerpc::syntax_id drsuapi{*parse_uuid("e3514235-4b06-11d1-ab04-00c04fc2dcd2"), 4, 0};
inline const dcerpc::syntax_id emsmdb{*parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662da"), 0, 81};

} // namespace epmdump::test
