"""ept_lookup of every element, page after page: the one paging loop of the capture generators
(auth_captures.py, smb_captures.py) over an impacket DCERPC connection already bound to EPM."""
from impacket.dcerpc.v5 import epm, rpcrt

EPT_S_NOT_REGISTERED = 0x16C9A0D6


def lookup_all(dce, max_ents):
    """Pages of max_ents until Samba's end-of-list status or a null handle; returns each page's
    (entry count, status). Another status raises DCERPCException (the capture still holds it)."""
    handle = epm.ept_lookup_handle_t()
    pages = []
    while True:
        request = epm.ept_lookup()
        request["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
        request["object"] = epm.NULL
        request["Ifid"] = epm.NULL
        request["vers_option"] = epm.RPC_C_VERS_ALL
        request["entry_handle"] = handle
        request["max_ents"] = max_ents
        # Samba's last page says ept_s_not_registered: read it rather than raise.
        answer = dce.request(request, checkError=False)
        pages.append((answer["num_ents"], answer["status"]))
        if answer["status"] not in (0, EPT_S_NOT_REGISTERED):
            raise rpcrt.DCERPCException(error_code=answer["status"])
        handle = answer["entry_handle"]
        if answer["status"] == EPT_S_NOT_REGISTERED or handle.isNull():
            return pages
