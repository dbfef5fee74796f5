"""RFC 9293's state diagram, for the shell tests' Python checks.

EDGES are the diagram's edges (section 3.3.2, figure 5) as (from, to)
pairs of the names tcplab prints; edge_ok() adds the ways to CLOSED that
the text adds to the diagram: a RST or an abort in any state, a retry
limit reached. A test that reads tcplab's --json holds every step of every
"paths" list against it.
"""

EDGES = {
    ("CLOSED", "LISTEN"), ("CLOSED", "SYN-SENT"),
    ("LISTEN", "SYN-RECEIVED"), ("LISTEN", "SYN-SENT"),
    ("SYN-SENT", "SYN-RECEIVED"), ("SYN-SENT", "ESTABLISHED"),
    ("SYN-RECEIVED", "ESTABLISHED"), ("SYN-RECEIVED", "FIN-WAIT-1"),
    ("SYN-RECEIVED", "LISTEN"), ("ESTABLISHED", "FIN-WAIT-1"),
    ("ESTABLISHED", "CLOSE-WAIT"), ("FIN-WAIT-1", "FIN-WAIT-2"),
    ("FIN-WAIT-1", "CLOSING"), ("FIN-WAIT-2", "TIME-WAIT"),
    ("CLOSING", "TIME-WAIT"), ("CLOSE-WAIT", "LAST-ACK"),
    ("LAST-ACK", "CLOSED"), ("TIME-WAIT", "CLOSED"),
}


def edge_ok(a, b):
    """Whether a -> b is an edge, or a way to CLOSED from another state."""
    return (a, b) in EDGES or (b == "CLOSED" and a != "CLOSED")


def bad_steps(obj):
    """The steps of a --json segment object's paths that are no edge, as
    "side A -> B" strings."""
    bad = []
    for side, path in obj["paths"].items():
        for a, b in zip(path, path[1:]):
            if not edge_ok(a, b):
                bad.append("%s %s -> %s" % (side, a, b))
    return bad
