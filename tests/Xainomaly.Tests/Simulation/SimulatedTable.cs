using Xainomaly.Data;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Simulation;

/// <summary>One default 20-UE, 60-s simulation shared by the tests of a class (generating it takes well under a second).</summary>
public sealed class SimulatedTable
{
    public SimulatedTable()
    {
        Options = new UeTrafficOptions { Seed = 7 };
        Table = UeTrafficSimulator.Generate(Options);
    }

    public UeTrafficOptions Options { get; }

    public KpiTable Table { get; }
}
