#pragma once
// Real mgmt answers for mgmt_test.cpp and the `mgmt` fuzz target's seeds: response stubs (the
// PDU after its 24-octet response header) captured from the Samba 4.17 AD DC
// (../shared/peers/samba-epm, 10.200.0.2) on 2026-12-05 by a raw socket script that bound mgmt
// v1.0 and sent rpc_mgmt_inq_if_ids (opnum 0) with an empty stub. Hex, two digits a byte.
#include <string_view>

namespace mgmt_answers {

// Port 135: the endpoint mapper v3.0 and mgmt v1.0.
inline constexpr std::string_view samba_135_inq_if_ids = "00000200020000000200000004000200"
                                                         "080002000883afe11f5dc91191a40800"
                                                         "2b14a0fa0300000080bda8af8a7dc911"
                                                         "bef408002b1029890100000000000000";

// Port 49153, the AD DC's busiest: nine interfaces (dnsserver, backupkey, eventlog6, browser,
// 9c54e310, dssetup, drsuapi, lsarpc, mgmt).
inline constexpr std::string_view samba_49153_inq_if_ids = "00000200090000000900000004000200"
                                                           "080002000c0002001000020014000200"
                                                           "180002001c0002002000020024000200"
                                                           "a4c2ab504d57b3409d66ee4fd5fba076"
                                                           "05000000307cde3d5d16d111ab8f0080"
                                                           "5f14db4001000000f7afbef6191ebb4f"
                                                           "9f8fb89e2018337c0100000098d0ff6b"
                                                           "12a11036983301289202016200000000"
                                                           "10e3549c55a98548bd3178787147dfa6"
                                                           "000000006a2819390cb1d0119ba800c0"
                                                           "4fd92ef500000000354251e3064bd111"
                                                           "ab0400c04fc2dcd20400000078573412"
                                                           "3412cdabef000123456789ab00000000"
                                                           "80bda8af8a7dc911bef408002b102989"
                                                           "0100000000000000";

// inq_princ_name is not answered by Samba (fault nca_s_op_rng_error): this one is built from the
// C706 App. N IDL ([out, string, size_is(princ_name_size)] char princ_name[], then the status),
// max_count 256, "DC$@SAMBA".
inline constexpr std::string_view built_inq_princ_name = "00010000000000000a0000004443244053414d424100000000000000";

// The same capture's whole PDUs from port 135 (the server's side of the conversation): the bind_ack
// to a bind of mgmt v1.0 (call 1, max frags 4280), the inq_if_ids response (call 2) and the fault
// nca_s_op_rng_error that answers inq_princ_name (call 3).
inline constexpr std::string_view samba_135_bind_ack = "05000c03100000003c00000001000000b810b810b9de000004003133350000000100000000000000"
                                                       "045d888aeb1cc9119fe808002b10486002000000";
inline constexpr std::string_view samba_135_if_ids_pdu = "05000203100000005800000002000000400000000000000000000200020000000200000004000200"
                                                         "080002000883afe11f5dc91191a408002b14a0fa0300000080bda8af8a7dc911bef408002b102989"
                                                         "0100000000000000";
inline constexpr std::string_view samba_135_princ_fault_pdu = "0500030310000000200000000300000018000000000000000200011c00000000";

} // namespace mgmt_answers
