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

    [Fact]
    public async Task A_record_sent_twice_in_one_batch_is_stored_and_counted_once()
    {
        var path = Path.Combine(TestEnv.TempDir(), "dup.db");
        await using var store = SqliteResultStore.Open(path);
        var records = new ScoredRecord[100];
        for (int i = 0; i < records.Length; i++) records[i] = Record(i % 60, i % 3 == 0);
        Assert.Equal(60, await store.WriteAsync(records, CancellationToken.None));
        Assert.Equal(60, await store.CountAsync(CancellationToken.None));
        Assert.Equal(0, await store.WriteAsync(records, CancellationToken.None));
    }

    [Fact]
    public async Task Stored_columns_keep_the_json_of_the_previous_format_and_round_trip_every_field()
    {
        var path = Path.Combine(TestEnv.TempDir(), "fields.db");
        var full = Record(1, true) with
        {
            DuId = "1002",
            Degradation = "",
            Kpis = new Dictionary<string, double> { ["throughput"] = 0.1 + 0.2, ["rsrp"] = -87.31999969482422, ["tiny"] = 1e-300, ["big"] = 1.7976931348623157e308, ["neg0"] = -0.0, ["ünï"] = 3 },
            TopFeatures = [new FeatureContribution("rsrp", -0.125, -87.32), new FeatureContribution("cell=c1", 0.0625, null)],
            BaseValue = 0.11,
            ConfidenceScore = 0.012,
            ErrorMetric = double.NaN,
            EfficiencyGap = 1e-17,
        };
        var bare = Record(2) with { CellId = null, Kpis = new Dictionary<string, double>() };
        await using (var store = SqliteResultStore.Open(path))
        {
            Assert.Equal(2, await store.WriteAsync([full, bare], CancellationToken.None));
            var got = await store.GetAsync(full.Id, CancellationToken.None);
            Assert.NotNull(got);
            Assert.Equal(full.Kpis, got.Kpis);
            Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(got.Kpis["neg0"]));
            Assert.Equal(full.TopFeatures, got.TopFeatures);
            Assert.Equal((full.UeId, full.CellId, full.DuId, full.Timestamp, full.ReceivedAt, full.Score, full.Threshold, full.Degradation),
                (got.UeId, got.CellId, got.DuId, got.Timestamp, got.ReceivedAt, got.Score, got.Threshold, got.Degradation));
            Assert.Equal((0.11, 0.012, (double?)null, 1e-17), (got.BaseValue, got.ConfidenceScore, got.ErrorMetric, got.EfficiencyGap));
            var plain = await store.GetAsync(bare.Id, CancellationToken.None);
            Assert.NotNull(plain);
            Assert.Null(plain.CellId);
            Assert.Null(plain.Degradation);
            Assert.Empty(plain.Kpis);
            Assert.Empty(plain.TopFeatures);
            Assert.Null(plain.ConfidenceScore);
        }
        // The text in the file is what the previous version wrote (RecordJson's string forms), with SQL types unchanged.
        await using var conn = new SqliteConnection($"Data Source={path};Pooling=false");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT kpis, explanation, typeof(kpis), typeof(explanation), typeof(degradation), degradation, typeof(ts), typeof(score) FROM records ORDER BY rowid";
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(RecordJson.KpisToJson(full.Kpis), reader.GetString(0));
        Assert.Equal(RecordJson.ExplanationToJson(full), reader.GetString(1));
        Assert.Equal(("text", "text", "text", "", "integer", "real"), (reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        Assert.True(await reader.ReadAsync());
        Assert.Equal("{}", reader.GetString(0));
        Assert.True(reader.IsDBNull(1));
        Assert.True(reader.IsDBNull(5));
    }

    [Fact]
    public async Task Prepared_and_unprepared_records_store_the_same_text_and_a_nan_kpi_still_fails_the_batch()
    {
        var path = Path.Combine(TestEnv.TempDir(), "prepared.db");
        var records = new ScoredRecord[600];
        for (int i = 0; i < records.Length; i++)
        {
            records[i] = Record(i, i % 4 == 0) with
            {
                Kpis = new Dictionary<string, double> { ["throughput"] = i * 0.1, ["rsrp"] = -90.97006281022396 - i, ["x"] = 31.0 },
                Degradation = i % 8 == 0 ? "Throughput RSRP" : i % 8 == 4 ? "" : null,
                DuId = i % 3 == 0 ? null : "1001",
            };
        }
        // Half of them encoded beforehand on several threads (as the pipeline does), the rest by the store.
        RecordBytes.Prepare(records[..300]);
        await using var store = SqliteResultStore.Open(path);
        Assert.Equal(600, await store.WriteAsync(records, CancellationToken.None));

        var bad = Record(1000, true) with { Kpis = new Dictionary<string, double> { ["rsrp"] = double.NaN } };
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync([Record(1001), bad], CancellationToken.None));
        Assert.Equal(600, await store.CountAsync(CancellationToken.None));

        await using var conn = new SqliteConnection($"Data Source={path};Pooling=false");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id, ue_id, cell_id, du_id, degradation, kpis, explanation FROM records ORDER BY rowid";
        await using var reader = await cmd.ExecuteReaderAsync();
        int n = 0;
        while (await reader.ReadAsync())
        {
            var r = records[n++];
            Assert.Equal((r.Id, r.UeId, r.CellId, r.DuId, r.Degradation),
                (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            Assert.Equal(RecordJson.KpisToJson(r.Kpis), reader.GetString(5));
            Assert.Equal(RecordJson.ExplanationToJson(r), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
        Assert.Equal(600, n);
    }

    [Fact]
    public async Task Files_of_the_previous_version_with_the_ue_time_index_keep_deduplicating_on_it()
    {
        var path = Path.Combine(TestEnv.TempDir(), "v1.db");
        await using (var conn = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await conn.OpenAsync();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE records (id TEXT NOT NULL UNIQUE, ue_id TEXT NOT NULL, cell_id TEXT, du_id TEXT, ts INTEGER NOT NULL,
                    received INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, anomalous INTEGER NOT NULL,
                    degradation TEXT, kpis TEXT NOT NULL, explanation TEXT);
                CREATE UNIQUE INDEX records_ue_ts ON records (ue_id, ts);
                INSERT INTO records VALUES ('old-1', 'ue-1', 'c1', NULL, 1700000000010, 1700000001000, 0.9, 0.5, 1, 'RSRP',
                    '{"throughput":1,"rsrp":-91}', '{"baseValue":null,"cs":0.01,"em":null,"efficiencyGap":null,"topFeatures":[{"feature":"rsrp","phi":0.25,"value":-92}]}');
                """;
            await cmd.ExecuteNonQueryAsync();
        }
        await using var store = SqliteResultStore.Open(path);
        var old = await store.GetAsync("old-1", CancellationToken.None);
        Assert.NotNull(old);
        Assert.Equal(-91, old.Kpis["rsrp"]);
        Assert.Equal(0.25, Assert.Single(old.TopFeatures).Phi);
        // Record(1) has another id but the same (ue-id, timestamp) as the old row: that file's index still rejects it.
        Assert.Equal(0, await store.WriteAsync([Record(1)], CancellationToken.None));
        Assert.Equal(2, await store.WriteAsync([Record(2, true), Record(3)], CancellationToken.None));
        Assert.Equal(3, await store.CountAsync(CancellationToken.None));
        Assert.Equal(2, (await store.QueryAnomaliesAsync(null, null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_write_ahead_log_is_checkpointed_in_the_background_while_batches_keep_coming()
    {
        var dir = TestEnv.TempDir();
        var path = Path.Combine(dir, "wal.db");
        var kpis = new Dictionary<string, double>();
        for (int k = 0; k < 150; k++) kpis["kpi_" + k] = k * 1.0000001;
        long total = 0;
        await using (var store = SqliteResultStore.Open(path))
        {
            // ≈ 4 KB per record, 40 MB in all. The writer itself never checkpoints (wal_autocheckpoint=0), so pages reach
            // the database file while the store is open only through the background checkpointer.
            for (int b = 0; b < 40; b++)
            {
                var batch = new ScoredRecord[250];
                for (int i = 0; i < batch.Length; i++) batch[i] = Record(b * 250 + i) with { Kpis = kpis };
                total += await store.WriteAsync(batch, CancellationToken.None);
            }
            Assert.Equal(10_000, total);
            Assert.Equal(10_000, await store.CountAsync(CancellationToken.None));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (new FileInfo(path).Length < 20L << 20 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(new FileInfo(path).Length >= 20L << 20, $"database file of {new FileInfo(path).Length} bytes while open");
        }
        Assert.True(!File.Exists(path + "-wal") || new FileInfo(path + "-wal").Length == 0);
        await using var reopened = SqliteResultStore.Open(path);
        Assert.Equal(10_000, await reopened.CountAsync(CancellationToken.None));
    }
}
