using System.Numerics;
using System.Runtime.InteropServices;

using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// Isolation Forest (Liu, Ting &amp; Zhou 2008) with scikit-learn's semantics, as used by the O-RAN SC
/// anomaly-detection xApp. Each tree isolates a random subsample of ψ rows by random axis-parallel splits (random
/// feature, threshold uniform between the node's min and max) down to the height limit ⌈log₂ ψ⌉; a row's path
/// length is the depth of its leaf plus c(leaf size), the expected depth still needed to isolate a row among that
/// many. The anomaly score is s(x) = 2^(−E[h(x)] / c(ψ)) in (0, 1], higher = more abnormal (scikit-learn's
/// <c>-score_samples</c>); a row is anomalous when its score exceeds <see cref="Threshold"/>.
/// Input rows are row-major float matrices. Instances are immutable and safe to score from many threads.
/// </summary>
public sealed class IsolationForest
{
    /// <summary>Version byte written first by <see cref="Write"/>.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Euler–Mascheroni constant, as numpy's <c>np.euler_gamma</c>.</summary>
    private const double EulerGamma = 0.5772156649015329;

    /// <summary>scikit-learn's FEATURE_THRESHOLD: a feature spanning less than this inside a node counts as constant there.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>Rows per scoring block: a block's path sums live on the stack, and each tree is walked for a whole block while it is hot in cache.</summary>
    private const int BlockRows = 512;

    /// <summary>Batches smaller than this are scored on the calling thread; splitting them costs more than it saves.</summary>
    private const int ParallelMinRows = 8 * BlockRows;

    // All trees in one array; a tree's nodes are contiguous from _roots[t] and _depths[t] is its deepest leaf's depth.
    // Leaves point to themselves with threshold +inf, so a walk of exactly _depths[t] steps lands on the row's leaf
    // without a data-dependent loop exit, and _pathLengths[leaf] = depth + c(leaf size) is read once at the end.
    private readonly Node[] _nodes;
    private readonly double[] _pathLengths;
    private readonly int[] _roots;
    private readonly int[] _depths;
    private readonly double _pathNormaliser;

    private IsolationForest(IsolationForestOptions options, int width, int subsampleSize, Node[] nodes, double[] pathLengths,
        int[] roots, int[] depths, double threshold)
    {
        Options = options;
        Width = width;
        SubsampleSize = subsampleSize;
        _nodes = nodes;
        _pathLengths = pathLengths;
        _roots = roots;
        _depths = depths;
        Threshold = threshold;
        _pathNormaliser = roots.Length * AveragePathLength(subsampleSize);
    }

    /// <summary>The options the forest was fitted with.</summary>
    public IsolationForestOptions Options { get; }

    /// <summary>Number of features (columns) of the rows it scores.</summary>
    public int Width { get; }

    /// <summary>Rows drawn for each tree, ψ (scikit-learn's <c>max_samples_</c>).</summary>
    public int SubsampleSize { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _roots.Length;

    /// <summary>Total number of tree nodes (a size measure).</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>
    /// Anomaly-score threshold: rows with <c>score &gt; Threshold</c> are anomalous. 0.5 for contamination "auto",
    /// else the (1 − contamination) quantile of the training scores. Equals −<see cref="Offset"/>.
    /// </summary>
    public double Threshold { get; }

    /// <summary>scikit-learn's <c>offset_</c> (on <c>score_samples</c>, where lower = more abnormal): −<see cref="Threshold"/>.</summary>
    public double Offset => -Threshold;

    /// <summary>
    /// c(n), the average path length of an unsuccessful binary-search-tree search among n rows, which normalises
    /// path lengths: c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln i + γ; c(2) = 1 and c(n ≤ 1) = 0
    /// (scikit-learn's <c>_average_path_length</c>).
    /// </summary>
    public static double AveragePathLength(double n)
    {
        if (n <= 1) return 0.0;
        if (n == 2) return 1.0;
        return (2.0 * (Math.Log(n - 1.0) + EulerGamma)) - (2.0 * (n - 1.0) / n);
    }

    /// <summary>
    /// Grows the forest on <paramref name="rowCount"/> rows of <paramref name="width"/> features stored row-major in
    /// <paramref name="rows"/>, and fits the threshold.
    /// </summary>
    /// <exception cref="ArgumentException">Shape mismatch, a non-finite value (row and column are named), or invalid options.</exception>
    public static IsolationForest Fit(ReadOnlySpan<float> rows, int rowCount, int width, IsolationForestOptions? options = null)
    {
        options ??= new IsolationForestOptions();
        options.Validate();
        CheckShape(rows, rowCount, width);
        for (int i = 0; i < rows.Length; i++)
        {
            if (!float.IsFinite(rows[i]))
                throw new ArgumentException($"rows: row {i / width}, column {i % width} is {rows[i]}; training values must be finite.", nameof(rows));
        }

        int psi = options.MaxSamples is { } m ? Math.Min(m, rowCount)
            : options.MaxSamplesFraction is { } f ? (int)(f * rowCount)
            : Math.Min(256, rowCount);
        if (psi < 2)
            throw new ArgumentException($"Isolation Forest needs at least 2 rows per tree; {rowCount} training rows and the options give {psi}.", nameof(rowCount));
        int featureCount = Math.Max(1, (int)(options.MaxFeatures * width));
        // ceil(log2(psi)) without floating-point edge cases at powers of two.
        int heightLimit = 0;
        while ((1L << heightLimit) < psi) heightLimit++;

        // Each tree owns a stream forked up front, so trees are the same whichever thread grows them, in any order.
        var root = new Rng(options.Seed);
        var treeRngs = new Rng[options.TreeCount];
        for (int t = 0; t < treeRngs.Length; t++) treeRngs[t] = root.Fork(t);

        var trees = new Tree[options.TreeCount];
        unsafe
        {
            fixed (float* p = rows)
            {
                nint data = (nint)p;
                Parallel.For(0, trees.Length, t =>
                {
                    var source = new ReadOnlySpan<float>((float*)data, rowCount * width);
                    trees[t] = new TreeBuilder(treeRngs[t], psi, featureCount, heightLimit, options.Bootstrap).Grow(source, rowCount, width);
                });
            }
        }

        int total = 0;
        var roots = new int[trees.Length];
        var depths = new int[trees.Length];
        for (int t = 0; t < trees.Length; t++)
        {
            roots[t] = total;
            depths[t] = trees[t].Depth;
            total += trees[t].Nodes.Length;
        }
        var nodes = new Node[total];
        var pathLengths = new double[total];
        for (int t = 0; t < trees.Length; t++)
        {
            Tree tree = trees[t];
            int offset = roots[t];
            for (int k = 0; k < tree.Nodes.Length; k++)
            {
                Node nd = tree.Nodes[k];
                nodes[offset + k] = nd with { Left = nd.Left + offset };
            }
            tree.PathLengths.CopyTo(pathLengths, offset);
        }

        var forest = new IsolationForest(options, width, psi, nodes, pathLengths, roots, depths, 0.5);
        if (options.Contamination is not { } contamination) return forest;

        var scores = new double[rowCount];
        forest.Score(rows, rowCount, scores);
        return new IsolationForest(options, width, psi, nodes, pathLengths, roots, depths, ContaminationThreshold(scores, contamination));
    }

    /// <summary>Anomaly score of one row in (0, 1], higher = more abnormal. Allocation-free.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="Width"/> values, or holds a NaN.</exception>
    public double Score(ReadOnlySpan<float> row)
    {
        if (row.Length != Width)
            throw new ArgumentException($"row has {row.Length} values; the forest was fitted on {Width} features.", nameof(row));
        CheckNotNaN(row, Width);
        return Math.Pow(2.0, -PathLengthSum(row) / _pathNormaliser);
    }

    /// <summary>
    /// Anomaly scores of <paramref name="rowCount"/> row-major rows into <paramref name="scores"/>. Large batches are
    /// split into row blocks scored in parallel; results do not depend on the split. No allocation per row.
    /// </summary>
    /// <exception cref="ArgumentException">Shape mismatch, or a NaN value (row and column are named).</exception>
    public void Score(ReadOnlySpan<float> rows, int rowCount, Span<double> scores) => ScoreBatch(rows, rowCount, scores);

    /// <inheritdoc cref="Score(ReadOnlySpan{float}, int, Span{double})"/>
    public void Score(ReadOnlySpan<float> rows, int rowCount, Span<float> scores) => ScoreBatch(rows, rowCount, scores);

    /// <summary>Decisions for one row: 1 (anomaly) when its score exceeds <see cref="Threshold"/>, else 0.</summary>
    public int Predict(ReadOnlySpan<float> row) => Score(row) > Threshold ? 1 : 0;

    /// <summary>Decisions (1 = anomaly, 0 = normal) for a batch of row-major rows, <c>score &gt; Threshold</c>.</summary>
    public void Predict(ReadOnlySpan<float> rows, int rowCount, Span<int> predictions)
    {
        if (predictions.Length != rowCount)
            throw new ArgumentException($"predictions has {predictions.Length} entries; expected one per row ({rowCount}).", nameof(predictions));
        double[] buffer = System.Buffers.ArrayPool<double>.Shared.Rent(rowCount);
        try
        {
            Span<double> scores = buffer.AsSpan(0, rowCount);
            ScoreBatch(rows, rowCount, scores);
            for (int i = 0; i < rowCount; i++) predictions[i] = scores[i] > Threshold ? 1 : 0;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>E[h(x)], the path length of one row averaged over the trees (for tests and diagnostics).</summary>
    internal double MeanPathLength(ReadOnlySpan<float> row) => PathLengthSum(row) / TreeCount;

    /// <summary>Writes the fitted forest: a version byte, the options, the shape, the threshold and every node.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FormatVersion);
        var o = Options;
        writer.Write(o.TreeCount);
        writer.Write(o.MaxSamples ?? -1);
        writer.Write(o.MaxSamplesFraction ?? double.NaN);
        writer.Write(o.Contamination ?? double.NaN);
        writer.Write(o.MaxFeatures);
        writer.Write(o.Bootstrap);
        writer.Write(o.Seed);
        writer.Write(Width);
        writer.Write(SubsampleSize);
        writer.Write(Threshold);
        writer.Write(_roots.Length);
        writer.Write(_nodes.Length);
        foreach (int r in _roots) writer.Write(r);
        for (int k = 0; k < _nodes.Length; k++)
        {
            writer.Write(_nodes[k].Feature);
            writer.Write(_nodes[k].Left);
            writer.Write(_nodes[k].Threshold);
            writer.Write(_pathLengths[k]);
        }
    }

    /// <summary>Reads a forest written by <see cref="Write"/>; its scores are bit-identical to the original's.</summary>
    /// <exception cref="InvalidDataException">Another format version, a truncated stream or inconsistent contents.</exception>
    public static IsolationForest Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            byte version = reader.ReadByte();
            if (version != FormatVersion)
                throw Corrupt($"format version {version} is not supported; expected {FormatVersion}");
            int treeCountOption = reader.ReadInt32();
            int maxSamples = reader.ReadInt32();
            double maxSamplesFraction = reader.ReadDouble();
            double contamination = reader.ReadDouble();
            var options = new IsolationForestOptions
            {
                TreeCount = treeCountOption,
                MaxSamples = maxSamples < 0 ? null : maxSamples,
                MaxSamplesFraction = double.IsNaN(maxSamplesFraction) ? null : maxSamplesFraction,
                Contamination = double.IsNaN(contamination) ? null : contamination,
                MaxFeatures = reader.ReadDouble(),
                Bootstrap = reader.ReadBoolean(),
                Seed = reader.ReadInt64(),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw Corrupt("stored options are invalid: " + e.Message);
            }
            int width = reader.ReadInt32();
            int psi = reader.ReadInt32();
            double threshold = reader.ReadDouble();
            int treeCount = reader.ReadInt32();
            int nodeCount = reader.ReadInt32();
            if (width < 1) throw Corrupt($"width {width}; expected at least 1");
            if (psi < 2) throw Corrupt($"subsample size {psi}; expected at least 2");
            if (!(threshold >= 0 && threshold <= 1)) throw Corrupt($"threshold {threshold}; expected a value in [0, 1]");
            if (treeCount != treeCountOption) throw Corrupt($"{treeCount} trees but the options say {treeCountOption}");
            if (nodeCount < treeCount || nodeCount > treeCount * ((2L * psi) - 1))
                throw Corrupt($"{nodeCount} nodes for {treeCount} trees of at most {psi} rows");

            var roots = new int[treeCount];
            for (int t = 0; t < treeCount; t++)
            {
                roots[t] = reader.ReadInt32();
                int expectedMin = t == 0 ? 0 : roots[t - 1] + 1;
                if ((t == 0 && roots[t] != 0) || roots[t] < expectedMin || roots[t] >= nodeCount)
                    throw Corrupt($"tree {t} starts at node {roots[t]}; expected increasing starts from 0 below {nodeCount}");
            }
            var nodes = new Node[nodeCount];
            var pathLengths = new double[nodeCount];
            var depth = new int[nodeCount];
            var parents = new int[nodeCount];
            var depths = new int[treeCount];
            int tree = 0;
            for (int k = 0; k < nodeCount; k++)
            {
                while (tree + 1 < treeCount && roots[tree + 1] <= k) tree++;
                int end = tree + 1 < treeCount ? roots[tree + 1] : nodeCount;
                var nd = new Node(reader.ReadInt32(), reader.ReadInt32(), reader.ReadSingle());
                double path = reader.ReadDouble();
                bool isRoot = roots[tree] == k;
                if (isRoot != (parents[k] == 0) || parents[k] > 1)
                    throw Corrupt($"node {k} has {parents[k]} parents; expected one (none for a tree's root)");
                if (nd.Left == k)
                {
                    if (nd.Feature != 0 || !float.IsPositiveInfinity(nd.Threshold) || !(path >= 0 && double.IsFinite(path)))
                        throw Corrupt($"leaf {k} (feature {nd.Feature}, threshold {nd.Threshold}, path length {path}) is inconsistent");
                    depths[tree] = Math.Max(depths[tree], depth[k]);
                }
                else if (nd.Feature < 0 || nd.Feature >= width || nd.Left <= k || nd.Left + 1 >= end || float.IsNaN(nd.Threshold))
                {
                    // Children after their parent, inside the same tree, each with one parent: every walk ends at a leaf.
                    throw Corrupt($"node {k} (feature {nd.Feature}, children {nd.Left}/{nd.Left + 1}) is inconsistent");
                }
                else
                {
                    parents[nd.Left]++;
                    parents[nd.Left + 1]++;
                    depth[nd.Left] = depth[nd.Left + 1] = depth[k] + 1;
                }
                nodes[k] = nd;
                pathLengths[k] = path;
            }
            return new IsolationForest(options, width, psi, nodes, pathLengths, roots, depths, threshold);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Isolation Forest model: the stream ends early; the file is truncated.", e);
        }
    }

    private static InvalidDataException Corrupt(string problem) => new($"Isolation Forest model: {problem}.");

    /// <summary>numpy's default (linear) percentile of the <c>score_samples</c> = −score, negated back.</summary>
    private static double ContaminationThreshold(double[] scores, double contamination)
    {
        var s = new double[scores.Length];
        for (int i = 0; i < s.Length; i++) s[i] = -scores[i];
        Array.Sort(s);
        double pos = (s.Length - 1) * contamination;
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, s.Length - 1);
        double frac = pos - lo;
        double offset = s[lo] + ((s[hi] - s[lo]) * frac);
        return -offset;
    }

    private static void CheckShape(ReadOnlySpan<float> rows, int rowCount, int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1.");
        if (rowCount < 0) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "rowCount must not be negative.");
        if ((long)rowCount * width != rows.Length)
            throw new ArgumentException($"rows has {rows.Length} values; expected rowCount × width = {rowCount} × {width} = {(long)rowCount * width}.", nameof(rows));
    }

    private static void CheckNotNaN(ReadOnlySpan<float> rows, int width)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (float.IsNaN(rows[i]))
                throw new ArgumentException($"rows: row {i / width}, column {i % width} is NaN; expected a number.", nameof(rows));
        }
    }

    private void ScoreBatch<T>(ReadOnlySpan<float> rows, int rowCount, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rowCount * (long)Width != rows.Length)
            throw new ArgumentException($"rows has {rows.Length} values; expected rowCount × width = {rowCount} × {Width}.", nameof(rows));
        if (scores.Length != rowCount)
            throw new ArgumentException($"scores has {scores.Length} entries; expected one per row ({rowCount}).", nameof(scores));
        CheckNotNaN(rows, Width);

        if (rowCount < ParallelMinRows || Environment.ProcessorCount == 1)
        {
            for (int start = 0; start < rowCount; start += BlockRows)
            {
                int count = Math.Min(BlockRows, rowCount - start);
                ScoreBlock(rows.Slice(start * Width, count * Width), scores.Slice(start, count));
            }
            return;
        }

        int blocks = (rowCount + BlockRows - 1) / BlockRows;
        unsafe
        {
            fixed (float* pr = rows)
            fixed (T* ps = scores)
            {
                nint rowPtr = (nint)pr, scorePtr = (nint)ps;
                Parallel.For(0, blocks, b =>
                {
                    int start = b * BlockRows;
                    int count = Math.Min(BlockRows, rowCount - start);
                    ScoreBlock(
                        new ReadOnlySpan<float>((float*)rowPtr + ((long)start * Width), count * Width),
                        new Span<T>((T*)scorePtr + start, count));
                });
            }
        }
    }

    /// <summary>
    /// Scores up to <see cref="BlockRows"/> rows tree by tree, so each tree stays in cache for the block, and level by
    /// level across the rows, so the independent node loads of different rows overlap instead of waiting on each other.
    /// </summary>
    private void ScoreBlock<T>(ReadOnlySpan<float> rows, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = scores.Length;
        Span<double> sums = stackalloc double[BlockRows];
        Span<int> at = stackalloc int[BlockRows];
        sums = sums[..count];
        at = at[..count];
        sums.Clear();
        ReadOnlySpan<Node> nodes = _nodes;
        ReadOnlySpan<double> paths = _pathLengths;
        int width = Width;
        for (int t = 0; t < _roots.Length; t++)
        {
            at.Fill(_roots[t]);
            for (int d = _depths[t]; d > 0; d--)
            {
                for (int r = 0; r < count; r++)
                {
                    Node nd = nodes[at[r]];
                    at[r] = nd.Left + (rows[(r * width) + nd.Feature] > nd.Threshold ? 1 : 0);
                }
            }
            for (int r = 0; r < count; r++) sums[r] += paths[at[r]];
        }
        // Trees are summed in the same order for every row, whichever block or thread holds it: bit-identical results.
        for (int r = 0; r < count; r++) scores[r] = T.CreateChecked(Math.Pow(2.0, -sums[r] / _pathNormaliser));
    }

    private double PathLengthSum(ReadOnlySpan<float> row)
    {
        ReadOnlySpan<Node> nodes = _nodes;
        double sum = 0;
        for (int t = 0; t < _roots.Length; t++)
        {
            int k = _roots[t];
            for (int d = _depths[t]; d > 0; d--)
            {
                Node nd = nodes[k];
                k = nd.Left + (row[nd.Feature] > nd.Threshold ? 1 : 0);
            }
            sum += _pathLengths[k];
        }
        return sum;
    }

    /// <summary>
    /// One tree node, 12 bytes. Internal: split feature, index of the left child (the right child follows it) and the
    /// threshold; a row goes right when <c>x[feature] &gt; threshold</c>. Leaf: points to itself, feature 0 and
    /// threshold +∞, so stepping from a leaf stays there.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Node(int Feature, int Left, float Threshold);

    /// <summary>One grown tree: nodes with tree-local indices, path length per node (leaves only) and its depth.</summary>
    private sealed record Tree(Node[] Nodes, double[] PathLengths, int Depth);

    /// <summary>Grows one isolation tree from its own random stream.</summary>
    private sealed class TreeBuilder(Rng rng, int psi, int featureCount, int heightLimit, bool bootstrap)
    {
        private readonly List<Node> _nodes = new(2 * psi);
        private readonly List<double> _paths = new(2 * psi);
        private int _depth;
        private float[] _x = [];
        private int[] _features = [];
        private int[][] _candidates = [];

        public Tree Grow(ReadOnlySpan<float> rows, int rowCount, int width)
        {
            // Features this tree may use (max_features < 1 draws a subset, without replacement, per tree).
            var all = new int[width];
            for (int j = 0; j < width; j++) all[j] = j;
            for (int j = 0; j < featureCount; j++)
            {
                int pick = j + rng.NextInt(width - j);
                (all[j], all[pick]) = (all[pick], all[j]);
            }
            _features = all[..featureCount];

            // Gather the subsample column-major: the min/max scans read one feature of many rows.
            int[] sample = DrawSample(rowCount);
            _x = new float[featureCount * psi];
            for (int i = 0; i < psi; i++)
            {
                ReadOnlySpan<float> row = rows.Slice(sample[i] * width, width);
                for (int j = 0; j < featureCount; j++) _x[(j * psi) + i] = row[_features[j]];
            }

            _candidates = new int[heightLimit + 1][];
            for (int d = 0; d <= heightLimit; d++) _candidates[d] = new int[featureCount];
            var index = new int[psi];
            for (int i = 0; i < psi; i++) index[i] = i;
            _nodes.Add(default);
            _paths.Add(0);
            Build(0, index, 0);
            return new Tree([.. _nodes], [.. _paths], _depth);
        }

        private int[] DrawSample(int rowCount)
        {
            var sample = new int[psi];
            if (bootstrap)
            {
                for (int i = 0; i < psi; i++) sample[i] = rng.NextInt(rowCount);
                return sample;
            }
            // Floyd's algorithm: psi distinct rows in O(psi), whatever the row count.
            var chosen = new HashSet<int>(psi);
            int k = 0;
            for (int j = rowCount - psi; j < rowCount; j++)
            {
                int t = rng.NextInt(j + 1);
                int pick = chosen.Add(t) ? t : j;
                if (pick == j) chosen.Add(j);
                sample[k++] = pick;
            }
            return sample;
        }

        /// <summary>Fills node <paramref name="slot"/> with the subtree over the subsample rows in <paramref name="index"/>.</summary>
        private void Build(int slot, Span<int> index, int depth)
        {
            if (depth >= heightLimit || index.Length <= 1 || !TrySplit(index, depth, out int feature, out float threshold))
            {
                _nodes[slot] = new Node(0, slot, float.PositiveInfinity);
                _paths[slot] = depth + AveragePathLength(index.Length);
                _depth = Math.Max(_depth, depth);
                return;
            }

            int column = feature * psi;
            int lo = 0, hi = index.Length - 1;
            while (lo <= hi)
            {
                if (_x[column + index[lo]] <= threshold)
                {
                    lo++;
                }
                else
                {
                    int tmp = index[lo];
                    index[lo] = index[hi];
                    index[hi] = tmp;
                    hi--;
                }
            }
            // Children sit next to each other, so a node stores only the left index.
            int left = _nodes.Count;
            _nodes.Add(default);
            _nodes.Add(default);
            _paths.Add(0);
            _paths.Add(0);
            _nodes[slot] = new Node(_features[feature], left, threshold);
            Build(left, index[..lo], depth + 1);
            Build(left + 1, index[lo..], depth + 1);
        }

        /// <summary>Random feature among those not constant in the node, threshold uniform in [min, max).</summary>
        private bool TrySplit(Span<int> index, int depth, out int feature, out float threshold)
        {
            int[] candidates = _candidates[depth];
            for (int j = 0; j < candidates.Length; j++) candidates[j] = j;
            int remaining = candidates.Length;
            while (remaining > 0)
            {
                int pick = rng.NextInt(remaining);
                int f = candidates[pick];
                int column = f * psi;
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                foreach (int i in index)
                {
                    float v = _x[column + i];
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                if (max <= min + FeatureThreshold)
                {
                    candidates[pick] = candidates[--remaining];
                    continue;
                }
                double t = min + (rng.NextDouble() * ((double)max - min));
                // Rounding may land on max, which would leave the right side empty.
                if (t >= max) t = min;
                // Store the largest float not above t: for float inputs "x <= threshold" then splits exactly as
                // "x <= t" does, so nothing is lost by keeping 4-byte thresholds.
                threshold = (float)t;
                if (threshold > t) threshold = MathF.BitDecrement(threshold);
                feature = f;
                return true;
            }
            feature = -1;
            threshold = 0;
            return false;
        }
    }
}
