using Microsoft.Data.Sqlite;

using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

public sealed class SqliteResultStoreTests
{
    private static ScoredRecord Record(int i, bool anomalous = false) => new()
    {
        Id = $"id-{i:D6}",
        UeId = $"ue-{i % 7}",
        CellId = "c1",
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i * 10L),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000),
        Kpis = new Dictionary<string, double> { ["throughput"] = i, ["rsrp"] = -90 - i % 5 },
        Score = anomalous ? 0.9 : 0.1,
        Threshold = 0.5,
        Anomalous = anomalous,
        TopFeatures = anomalous ? [new FeatureContribution("rsrp", 0.25, -92)] : [],
        ConfidenceScore = anomalous ? 0.01 : null,
    };

    [Fact]
    public async Task New_files_append_rows_and_keep_writes_idempotent()
    {
        var path = Path.Combine(TestEnv.TempDir(), "new.db");
        await using (var store = SqliteResultStore.Open(path))
        {
            var records = new ScoredRecord[500];
            for (int i = 0; i < records.Length; i++) records[i] = Record(i, i % 10 == 0);
            Assert.Equal(500, await store.WriteAsync(records, CancellationToken.None));
            // The same records again (a redelivery) and one new: only the new one is stored.
            Assert.Equal(1, await store.WriteAsync([.. records[..20], Record(500)], CancellationToken.None));
            Assert.Equal(501, await store.CountAsync(CancellationToken.None));
            var got = await store.GetAsync("id-000010", CancellationToken.None);
            Assert.NotNull(got);
            Assert.True(got.Anomalous);
            Assert.Equal("rsrp", Assert.Single(got.TopFeatures).Feature);
            Assert.Equal(50, (await store.QueryAnomaliesAsync(null, null, 1000, CancellationToken.None)).Count);
        }
        await using var conn = new SqliteConnection($"Data Source={path};Pooling=false");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'records'";
        var sql = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain("WITHOUT ROWID", sql, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Files_with_the_clustered_layout_still_open_and_deduplicate()
    {
        var path = Path.Combine(TestEnv.TempDir(), "old.db");
        await using (var conn = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await conn.OpenAsync();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE records (id TEXT PRIMARY KEY, ue_id TEXT NOT NULL, cell_id TEXT, du_id TEXT, ts INTEGER NOT NULL,
                    received INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, anomalous INTEGER NOT NULL,
                    degradation TEXT, kpis TEXT NOT NULL, explanation TEXT) WITHOUT ROWID;
                """;
            await cmd.ExecuteNonQueryAsync();
        }
        await using var store = SqliteResultStore.Open(path);
        Assert.Equal(3, await store.WriteAsync([Record(1), Record(2, true), Record(3)], CancellationToken.None));
        Assert.Equal(0, await store.WriteAsync([Record(1), Record(2, true)], CancellationToken.None));
        Assert.Equal(3, await store.CountAsync(CancellationToken.None));
        Assert.Single(await store.QueryAnomaliesAsync("ue-2", null, 10, CancellationToken.None));
    }
}
