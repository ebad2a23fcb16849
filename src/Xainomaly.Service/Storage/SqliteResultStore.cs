using System.Text;
using System.Text.Json;

using Microsoft.Data.Sqlite;

using SQLitePCL;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never block the writer), one transaction per batch,
/// idempotent inserts keyed on the record id (a hash of ue-id and timestamp), explanations as JSON, and indexes
/// for the anomaly queries (newest first, overall and per UE).
/// </summary>
/// <remarks>
/// <para>The rows live in a rowid table with the id in a separate unique index: the ids are hashes, so a table clustered
/// on them (WITHOUT ROWID) puts every ≈ 2 KB row on a random page and, once the file outgrows the page cache, each
/// insert reads and rewrites a random page (measured: ≈ 0.4 ms per record at 60k records). Appending rows and
/// touching only the small id index keeps an insert at a few microseconds. Files created with the older clustered
/// layout keep it and work unchanged.</para>
/// <para>The unique id index is the only idempotence key of new files: the id is a hash of (ue-id, timestamp), so the
/// (ue_id, ts) unique index that older files carry duplicated it at the cost of one more B-tree update per record.
/// Older files keep theirs (a conflict on either index skips the row).</para>
/// <para>Writes bypass ADO.NET's per-command machinery: the INSERT is prepared once per connection on its SQLite
/// handle, parameters are bound by position (no boxing, no name lookup) and text is bound as UTF-8 bytes written
/// into reused buffers. (A multi-row INSERT was measured and not kept: it needs a statement journal and was slower.)
/// WAL checkpoints run on a background connection rather than inside the writer's commits, where they took ≈ 40 %
/// of the write time (copying pages into the database file and two fsyncs each).</para>
/// <para>synchronous=NORMAL in WAL mode: a committed batch survives the process being killed (the case the service must
/// handle); only an operating-system crash or power loss can take back the last transactions.</para>
/// </remarks>
public sealed class SqliteResultStore : IResultStore
{
    private const string Columns = "id, ue_id, cell_id, du_id, ts, received, score, threshold, anomalous, degradation, kpis, explanation";

    // WAL bytes (approximately: the rows' sizes) after which the background checkpointer is woken. Small: while a
    // checkpoint copies and syncs, store commits on this machine slow down, so many short checkpoints (≈ 18 ms each for
    // 1 MB) hurt the latency tail less than few long ones (≈ 65 ms for 4 MB, ≈ 230 ms for 16 MB): at 5,000 records/s
    // 1 MB gave more reports within 10 ms than 4 MB in 4 of 5 paired runs, and a backlog drains as fast.
    private const long CheckpointBytes = 1 << 20;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly System.Buffers.ArrayBufferWriter<byte> _json = new(4096);
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly JsonNameCache _kpiNames = new();
    private readonly SemaphoreSlim _checkpointSignal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private byte[] _text = new byte[256];
    private sqlite3_stmt? _insert;
    private Task? _checkpointer;
    private long _walBytes;
    private bool _disposed;

    private SqliteResultStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _jsonWriter = new Utf8JsonWriter(_json, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when needed) the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a database of this service.</exception>
    public static SqliteResultStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var store = new SqliteResultStore(path);
        try
        {
            store._writer.Open();
            // wal_autocheckpoint=0: this connection never checkpoints inside a commit; the background checkpointer does.
            Exec(store._writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=0;");
            Exec(store._writer, """
                CREATE TABLE IF NOT EXISTS records (
                    id TEXT NOT NULL UNIQUE,
                    ue_id TEXT NOT NULL,
                    cell_id TEXT,
                    du_id TEXT,
                    ts INTEGER NOT NULL,
                    received INTEGER NOT NULL,
                    score REAL NOT NULL,
                    threshold REAL NOT NULL,
                    anomalous INTEGER NOT NULL,
                    degradation TEXT,
                    kpis TEXT NOT NULL,
                    explanation TEXT
                );
                CREATE INDEX IF NOT EXISTS anomalies_ts ON records (ts DESC) WHERE anomalous = 1;
                CREATE INDEX IF NOT EXISTS anomalies_ue_ts ON records (ue_id, ts DESC) WHERE anomalous = 1;
                """);
            var db = store._writer.Handle!;
            // Same (ue-id, timestamp) → same id → the second write is a no-op: re-sent records are never stored twice.
            Check(db, raw.sqlite3_prepare_v3(db, $"INSERT INTO records ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
                raw.SQLITE_PREPARE_PERSISTENT, out store._insert));
        }
        catch (SqliteException e)
        {
            store.CloseWriter();
            throw new InvalidDataException($"{path}: cannot open the result store ({e.Message}).", e);
        }
        store._checkpointer = Task.Run(store.CheckpointLoopAsync);
        return store;
    }

    /// <inheritdoc />
    public Task<int> WriteAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken) =>
        WriteCoreAsync(records, commit: true, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The same code as <see cref="WriteAsync"/>, rolled back at the end, so that the first real batch finds it compiled;
    /// it also wakes the checkpointer once, for the same reason.
    /// </remarks>
    public async Task WarmUpAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken)
    {
        await WriteCoreAsync(records, commit: false, cancellationToken).ConfigureAwait(false);
        if (_checkpointSignal.CurrentCount == 0) _checkpointSignal.Release();
    }

    private async Task<int> WriteCoreAsync(IReadOnlyList<ScoredRecord> records, bool commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return 0;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var db = _writer.Handle!;
            Check(db, raw.sqlite3_exec(db, "BEGIN IMMEDIATE"));
            bool committed = false;
            long bytes = 0;
            try
            {
                int inserted = 0;
                for (int i = 0; i < records.Count; i++) inserted += Insert(db, records[i], ref bytes);
                // A warm-up leaves nothing in the file: it is rolled back below.
                if (!commit) return 0;
                Check(db, raw.sqlite3_exec(db, "COMMIT"));
                committed = true;
                _walBytes += bytes;
                if (_walBytes >= CheckpointBytes)
                {
                    _walBytes = 0;
                    if (_checkpointSignal.CurrentCount == 0) _checkpointSignal.Release();
                }
                return inserted;
            }
            finally
            {
                if (!committed) raw.sqlite3_exec(db, "ROLLBACK");
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // Binds one record, runs the INSERT and returns 1 when the row was new, 0 when its id was already stored.
    private int Insert(sqlite3 db, ScoredRecord r, ref long bytes)
    {
        var stmt = _insert!;
        try
        {
            bytes += BindText(db, stmt, 1, r.Id);
            bytes += BindText(db, stmt, 2, r.UeId);
            bytes += BindText(db, stmt, 3, r.CellId);
            bytes += BindText(db, stmt, 4, r.DuId);
            Check(db, raw.sqlite3_bind_int64(stmt, 5, r.Timestamp.ToUnixTimeMilliseconds()));
            Check(db, raw.sqlite3_bind_int64(stmt, 6, r.ReceivedAt.ToUnixTimeMilliseconds()));
            BindReal(db, stmt, 7, r.Score);
            BindReal(db, stmt, 8, r.Threshold);
            Check(db, raw.sqlite3_bind_int64(stmt, 9, r.Anomalous ? 1 : 0));
            bytes += BindText(db, stmt, 10, r.Degradation);
            // The JSON columns as prepared (RecordBytes.Prepare, on the pipeline's scoring side) or encoded now; SQLite
            // copies on bind.
            var prepared = RecordBytes.Of(r, payload: false);
            if (prepared.Storable)
            {
                var kpis = prepared.Kpis;
                bytes += kpis.Length + prepared.Explanation.Length + 48;
                Check(db, raw.sqlite3_bind_text(stmt, 11, kpis));
                Check(db, prepared.HasExplanation ? raw.sqlite3_bind_text(stmt, 12, prepared.Explanation) : raw.sqlite3_bind_null(stmt, 12));
            }
            else
            {
                bytes += BindJsonChecked(db, stmt, r);
            }
            int rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_DONE) throw Error(db, rc);
            return raw.sqlite3_changes(db);
        }
        finally
        {
            // A statement left mid-step would keep its cursors open; reset it whatever happened.
            raw.sqlite3_reset(stmt);
        }
    }

    // A record with a NaN or infinite KPI, φ or feature value: the JSON writer refuses it (ArgumentException) as it did
    // before the bytes were prepared, and the batch fails rather than storing text that would not read back.
    private int BindJsonChecked(sqlite3 db, sqlite3_stmt stmt, ScoredRecord r)
    {
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        RecordJson.WriteKpis(_jsonWriter, r.Kpis, _kpiNames);
        _jsonWriter.Flush();
        int kpiBytes = _json.WrittenCount;
        bool explained = r.TopFeatures.Count != 0 || r.ConfidenceScore is not null;
        if (explained)
        {
            _jsonWriter.Reset(_json);
            RecordJson.WriteExplanation(_jsonWriter, r);
            _jsonWriter.Flush();
        }
        var json = _json.WrittenSpan;
        Check(db, raw.sqlite3_bind_text(stmt, 11, json[..kpiBytes]));
        Check(db, explained ? raw.sqlite3_bind_text(stmt, 12, json[kpiBytes..]) : raw.sqlite3_bind_null(stmt, 12));
        return json.Length + 48;
    }

    private int BindText(sqlite3 db, sqlite3_stmt stmt, int index, string? value)
    {
        if (value is null)
        {
            Check(db, raw.sqlite3_bind_null(stmt, index));
            return 0;
        }
        if (value.Length == 0)
        {
            // An empty span is bound as a null pointer, i.e. NULL; the string overload binds ''.
            Check(db, raw.sqlite3_bind_text(stmt, index, value));
            return 0;
        }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _text.Length) _text = new byte[Math.Max(max, _text.Length * 2)];
        int length = Encoding.UTF8.GetBytes(value, _text);
        Check(db, raw.sqlite3_bind_text(stmt, index, _text.AsSpan(0, length)));
        return length;
    }

    private static void BindReal(sqlite3 db, sqlite3_stmt stmt, int index, double value)
    {
        // SQLite would turn NaN into NULL; refuse it like the ADO.NET provider does.
        if (double.IsNaN(value)) throw new InvalidOperationException("Cannot store NaN in the result store (a score or threshold was NaN).");
        Check(db, raw.sqlite3_bind_double(stmt, index, value));
    }

    // Checkpoints the WAL into the database file whenever the writer has added about CheckpointBytes. PASSIVE never
    // waits for the writer or readers: what it cannot copy now is copied the next time.
    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? conn = null;
        try
        {
            while (true)
            {
                await _checkpointSignal.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    conn ??= OpenCheckpointConnection();
                    Exec(conn, "PRAGMA wal_checkpoint(PASSIVE);");
                }
                catch (SqliteException)
                {
                    // Busy or I/O trouble: the WAL keeps the data; the next signal (or closing the store) tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The store is closing; it checkpoints the rest itself.
        }
        finally
        {
            conn?.Dispose();
        }
    }

    private SqliteConnection OpenCheckpointConnection()
    {
        var conn = new SqliteConnection(_connectionString);
        try
        {
            conn.Open();
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK) throw Error(db, rc);
    }

    private static SqliteException Error(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScoredRecord>> QueryAnomaliesAsync(string? ueId, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var conn = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var cmd = conn.CreateCommand();
        var where = "anomalous = 1";
        if (ueId is not null)
        {
            where += " AND ue_id = $ue";
            cmd.Parameters.AddWithValue("$ue", ueId);
        }
        if (since is { } s)
        {
            where += " AND ts >= $since";
            cmd.Parameters.AddWithValue("$since", s.ToUnixTimeMilliseconds());
        }
        cmd.CommandText = $"SELECT {Columns} FROM records WHERE {where} ORDER BY ts DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        var list = new List<ScoredRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(Read(reader));
        return list;
    }

    /// <inheritdoc />
    public async Task<ScoredRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var conn = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM records WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM records";
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Checkpoints the WAL into the database file and closes the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            await _stop.CancelAsync().ConfigureAwait(false);
            if (_checkpointer is not null) await _checkpointer.ConfigureAwait(false);
            _stop.Dispose();
            try
            {
                Exec(_writer, "PRAGMA wal_checkpoint(TRUNCATE);");
            }
            catch (SqliteException)
            {
                // A reader still holds the WAL: the data is committed anyway, the checkpoint happens on next open.
            }
            CloseWriter();
            await _jsonWriter.DisposeAsync().ConfigureAwait(false);
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // Prepared statements go first: a connection closed under live statements would linger as a zombie handle.
    private void CloseWriter()
    {
        _insert?.Dispose();
        _insert = null;
        _writer.Dispose();
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return conn;
    }

    private static ScoredRecord Read(SqliteDataReader r)
    {
        var record = new ScoredRecord
        {
            Id = r.GetString(0),
            UeId = r.GetString(1),
            CellId = r.IsDBNull(2) ? null : r.GetString(2),
            DuId = r.IsDBNull(3) ? null : r.GetString(3),
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
            Score = r.GetDouble(6),
            Threshold = r.GetDouble(7),
            Anomalous = r.GetInt64(8) != 0,
            Degradation = r.IsDBNull(9) ? null : r.GetString(9),
            Kpis = RecordJson.KpisFromJson(r.GetString(10)),
        };
        return RecordJson.WithExplanation(record, r.IsDBNull(11) ? null : r.GetString(11));
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
