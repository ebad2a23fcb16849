namespace Xainomaly.Service;

/// <summary>How <c>xainomaly serve</c> runs: the model, where reports come from and where results go.</summary>
public sealed record ServiceOptions
{
    /// <summary>The detector model file (required).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The fastSHAP-C explainer file fitted for the model (optional: without it no explanations are made).</summary>
    public string? ExplainerPath { get; init; }

    /// <summary>HTTP address to listen on; loopback by default.</summary>
    public string HttpUrl { get; init; } = "http://127.0.0.1:8080";

    /// <summary>NATS server URL; null runs the service on HTTP alone.</summary>
    public string? NatsUrl { get; init; }

    /// <summary>JetStream stream that holds incoming UE reports.</summary>
    public string StreamName { get; init; } = "RAN_KPM";

    /// <summary>Subject of incoming UE reports.</summary>
    public string ReportSubject { get; init; } = "ran.kpm.ue";

    /// <summary>Durable work-queue consumer shared by every instance.</summary>
    public string ConsumerName { get; init; } = "xainomaly-ad";

    /// <summary>Subject that anomalous UEs are published on for traffic steering.</summary>
    public string AnomalySubject { get; init; } = "ran.ad.anomalies";

    /// <summary>Subject that poison messages go to after <see cref="MaxDeliveries"/> attempts.</summary>
    public string DeadLetterSubject { get; init; } = "ran.kpm.dead";

    /// <summary>Deliveries of one message before it is dead-lettered.</summary>
    public int MaxDeliveries { get; init; } = 5;

    /// <summary>How long JetStream waits for a delivered message's ack before delivering it again (e.g. after a crash).</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>SQLite file of the embedded store.</summary>
    public string StorePath { get; init; } = "xainomaly.db";

    /// <summary>InfluxDB 1.x base URL; null keeps results in SQLite only.</summary>
    public string? InfluxUrl { get; init; }

    /// <summary>InfluxDB database name.</summary>
    public string InfluxDatabase { get; init; } = "xainomaly";

    /// <summary>Records waiting for InfluxDB when it is down, at most; older ones are kept in SQLite regardless.</summary>
    public int InfluxBufferRecords { get; init; } = 100_000;

    /// <summary>Largest accepted HTTP body, in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Features named per explanation.</summary>
    public int TopFeatures { get; init; } = 5;

    /// <summary>fastSHAP-C coalitions per explanation for CS and EM.</summary>
    public int ConfidenceCoalitions { get; init; } = 32;

    /// <summary>Degradation margins (O-RAN SC AD xApp style): a KPI has degraded when it fell below the UE's recent maximum by this much.</summary>
    public double ThroughputDropPercent { get; init; } = 30;

    /// <summary>RSRP margin in dB below the UE's recent maximum.</summary>
    public double RsrpDropDb { get; init; } = 10;

    /// <summary>RSRQ margin in dB below the UE's recent maximum.</summary>
    public double RsrqDropDb { get; init; } = 5;

    /// <summary>Records per UE kept for the degradation check and the per-UE history.</summary>
    public int UeHistory { get; init; } = 20;

    /// <summary>Explain every record, not only the anomalous ones (costs explainer time per record).</summary>
    public bool ExplainAll { get; init; }

    /// <summary>Most records scored together: concurrent requests are coalesced into batches up to this size.</summary>
    public int MaxBatchRecords { get; init; } = 4096;

    /// <summary>
    /// Run synthetic reports through the hot path before taking records (compiles it ahead of the first batch); with
    /// <see cref="NatsUrl"/> also through the JetStream ingest (a private temporary stream) before the durable consumer is read.
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Longest the JetStream ingest warm-up may hold the consumer's start up (it then gives up and the service goes on).</summary>
    public TimeSpan WarmUpTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Anomalies the dashboard feed keeps in memory.</summary>
    public int FeedCapacity { get; init; } = 1000;
}
