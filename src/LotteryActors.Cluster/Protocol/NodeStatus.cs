namespace LotteryActors.Cluster.Protocol;

/// <summary>
/// One node of the cluster as <c>lottery nodes</c> prints it (like <c>sinfo</c> or <c>ray status</c>): a member now,
/// or a trainer node the journal recorded as gone.
/// </summary>
/// <param name="Node">Its id: address and incarnation (a restarted node is a new node).</param>
/// <param name="Address">host:port, what a person reads and types (<c>lottery drain host:port</c>).</param>
/// <param name="Roles">Its roles; empty for a client such as <c>submit</c>.</param>
/// <param name="Status">The membership's word for it (up, joining, leaving, exiting, down, removed, ...), or
/// <c>left</c> for a trainer node that is no member any more.</param>
/// <param name="ProtocolVersion">The cluster protocol it speaks (its <c>app-version</c>); null once it left.</param>
/// <param name="Slots">The slots it registered with; null for a node that never asked for work.</param>
/// <param name="Free">Slots less the units leased to it; null where the slots are unknown or the node left.</param>
/// <param name="Running">The units leased to it, oldest first.</param>
/// <param name="RecentFailures">Units it gave back within the cordon window.</param>
/// <param name="Cordoned">Why it is cordoned; null when it is not.</param>
/// <param name="Draining">What it runs finishes; it takes no new units.</param>
public sealed record NodeStatus(
    string Node, string Address, IReadOnlyList<string> Roles, string Status, string? ProtocolVersion, int? Slots,
    int? Free, IReadOnlyList<WorkMessages.RunningWork> Running, int RecentFailures, string? Cordoned, bool Draining);
