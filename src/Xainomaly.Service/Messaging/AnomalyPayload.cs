using System.Text.Json;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// The AD → TS message on <c>ran.ad.anomalies</c>: the O-RAN SC payload (<c>ue-id</c>, <c>du-id</c>,
/// <c>measTimeStampRf</c>, <c>Degradation</c>) extended with the score, the confidence score, the top features, and
/// what traffic steering needs to compare cells (<c>cell</c>, <c>kpis</c>, <c>neighbours</c>).
/// </summary>
public static class AnomalyPayload
{
    /// <summary>The time format of <c>measTimeStampRf</c> in the O-RAN SC files (UTC, milliseconds, no offset).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff";

    /// <summary>The RF measurements a UE report carries per neighbour cell.</summary>
    internal static readonly string[] NeighbourKpis = ["rsrp", "rsrq", "rssinr"];

    /// <summary>Writes one record's payload as UTF-8 JSON.</summary>
    /// <remarks>
    /// The bytes are encoded once per record and shared with the store (<see cref="RecordBytes"/>); they are those of a
    /// <see cref="Utf8JsonWriter"/> with default options writing, in order: <c>ue-id</c>, <c>du-id</c> (a number when
    /// it parses as one, else a string, or null), <c>measTimeStampRf</c> (<see cref="TimeFormat"/>, UTC),
    /// <c>Degradation</c> ("" when none), <c>score</c>, <c>threshold</c>, <c>cs</c>, <c>em</c>, <c>top_features</c>
    /// (<c>feature</c>, <c>phi</c>, <c>value</c>), <c>id</c>, <c>cell</c>, <c>kpis</c> and <c>neighbours</c> (<c>cell</c>
    /// and the <see cref="NeighbourKpis"/> the record has); numbers that are missing or not finite are null.
    /// </remarks>
    public static byte[] Write(ScoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var bytes = RecordBytes.Of(record, payload: true);
        var payload = new byte[bytes.PayloadLength];
        bytes.CopyPayload(payload);
        return payload;
    }
}
