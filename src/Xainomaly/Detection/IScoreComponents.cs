namespace Xainomaly.Detection;

/// <summary>A detector whose score is built from named parts (e.g. RE, ‖z‖, head probability) that users want to see.</summary>
public interface IScoreComponents
{
    /// <summary>Names of the parts, e.g. <c>re</c>, <c>latent_norm</c>, <c>head_probability</c>.</summary>
    IReadOnlyList<string> ComponentNames { get; }

    /// <summary>Writes the parts of each row, row-major <paramref name="count"/> × <see cref="ComponentNames"/>.Count.</summary>
    void Components(ReadOnlySpan<float> rows, int count, Span<float> components);
}
