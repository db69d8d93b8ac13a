package dev.mooring.server.client;

import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to each row during a run, in order: app writes, pushes and their answers, pulls, lost answers,
 * crashes. Printed for the rows a violation names, so a failing seed can be understood without replaying it under a
 * debugger. Not thread-safe.
 */
final class RowHistory implements LossyTransport.Witness {
    private static final Pattern ROW_ID =
            Pattern.compile("(tag-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Map<String, List<String>> events = new HashMap<>();
    /** Each node's call under way ({@code handshake}, {@code pull}, {@code push}) and the rows its answer carries. */
    private final Map<String, String> lastCall = new HashMap<>();
    private final Map<String, List<String>> lastRows = new HashMap<>();
    /** Every row each node wrote, pushed or pulled. */
    private final Map<String, Set<String>> touched = new HashMap<>();
    private final LossyTransport.Witness next;
    private int clock;

    RowHistory(LossyTransport.Witness next) {
        this.next = next;
    }

    void record(String node, String id, String event) {
        events.computeIfAbsent(id, k -> new ArrayList<>()).add(++clock + " " + event);
        touched.computeIfAbsent(node, k -> new LinkedHashSet<>()).add(id);
    }

    /** Something that happened to a device (a crash), entered in the history of every row it ever touched. */
    void device(String node, String event) {
        clock++;
        touched.getOrDefault(node, Set.of()).forEach(id -> events.get(id).add(clock + " " + event));
    }

    /** Something that happened on the server (a transaction that holds pulls back), entered in every row's history. */
    void server(String event) {
        clock++;
        events.values().forEach(list -> list.add(clock + " " + event));
    }

    @Override
    public void calling(String nodeId, String call) {
        next.calling(nodeId, call);
        lastCall.put(nodeId, call);
        lastRows.remove(nodeId);
    }

    @Override
    public void pushing(PushRequest request) {
        next.pushing(request);
    }

    @Override
    public void pushed(PushRequest request, PushResponse response, long wallBefore, long wallAfter) {
        next.pushed(request, response, wallBefore, wallAfter);
        lastRows.put(request.nodeId(), request.changes().stream().map(RowChange::id).toList());
        for (int i = 0; i < request.changes().size(); i++) {
            RowChange change = request.changes().get(i);
            ChangeResult result = i < response.results().size() ? response.results().get(i) : null;
            record(request.nodeId(), change.id(), "push by " + request.nodeId() + ": " + WriteLedger.describe(change) + " basis " + change.basis()
                    + " -> " + (result == null ? "no result" : result.status()
                    + (result.current() == null ? "" : " current " + result.current())));
        }
    }

    @Override
    public void pulled(String nodeId, String cursor, PullResponse response) {
        next.pulled(nodeId, cursor, response);
        lastRows.put(nodeId, response.changes().stream().map(PulledChange::id).toList());
        for (PulledChange change : response.changes()) {
            record(nodeId, change.id(), "pull by " + nodeId + (response.bootstrap() ? " (bootstrap)" : "") + ": #"
                    + change.seq() + " " + change.op() + " " + change.values() + " @" + change.hlc() + " from "
                    + change.originNode() + ", next cursor " + response.nextCursor());
        }
    }

    @Override
    public void lost(String nodeId) {
        next.lost(nodeId);
        String call = lastCall.get(nodeId);
        for (String id : lastRows.getOrDefault(nodeId, List.of())) {
            record(nodeId, id, "the answer to " + nodeId + "'s " + call + " was lost");
        }
        lastRows.remove(nodeId);
    }

    /** The histories of the rows the violations name, at most {@code limit} of them. */
    String of(List<String> violations, int limit) {
        Set<String> ids = new LinkedHashSet<>();
        for (String violation : violations) {
            Matcher m = ROW_ID.matcher(violation);
            while (m.find() && ids.size() < limit) {
                ids.add(m.group());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String id : ids) {
            text.append("history of ").append(id).append(":\n");
            events.getOrDefault(id, List.of()).forEach(e -> text.append("  ").append(e).append('\n'));
        }
        return text.toString();
    }
}
