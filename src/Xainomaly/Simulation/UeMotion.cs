using Xainomaly.Numerics;

namespace Xainomaly.Simulation;

/// <summary>
/// Position and movement of one UE. Cars drive on a Manhattan road grid and may turn at crossings; train
/// passengers ride one shared train on a straight track that reverses at its ends; pedestrians do a correlated
/// random walk; waiting passengers stand still but for a sub-metre drift. Positions stay inside the layout's area.
/// </summary>
internal sealed class UeMotion
{
    private readonly UeKind _kind;
    private readonly Rng _rng;
    private readonly double _minX, _maxX, _minY, _maxY, _road;
    private readonly double _anchorX, _anchorY, _seatOffset;
    private double _heading;
    private readonly double _speed;
    private double _dirX;
    private double _dirY;

    public UeMotion(UeKind kind, RadioLayout layout, double roadSpacing, (double X, double Y) anchor, Rng rng)
    {
        _kind = kind;
        _rng = rng;
        _minX = layout.AreaMinX;
        _maxX = layout.AreaMaxX;
        _minY = layout.AreaMinY;
        _maxY = layout.AreaMaxY;
        _road = roadSpacing;
        _anchorX = anchor.X;
        _anchorY = anchor.Y;
        switch (kind)
        {
            case UeKind.Car:
                // Start on a road: snap one coordinate to the road grid and drive along it.
                _speed = rng.Uniform(8, 16);
                X = rng.Uniform(_minX, _maxX);
                Y = rng.Uniform(_minY, _maxY);
                if (rng.NextDouble() < 0.5)
                {
                    Y = SnapToRoad(Y, _minY, _maxY);
                    _dirX = rng.NextDouble() < 0.5 ? -1 : 1;
                }
                else
                {
                    X = SnapToRoad(X, _minX, _maxX);
                    _dirY = rng.NextDouble() < 0.5 ? -1 : 1;
                }
                break;
            case UeKind.Pedestrian:
                _speed = rng.Uniform(0.9, 1.5);
                _heading = rng.Uniform(0, 2 * Math.PI);
                X = rng.Uniform(_minX, _maxX);
                Y = rng.Uniform(_minY, _maxY);
                break;
            case UeKind.TrainPassenger:
                _seatOffset = rng.Uniform(-40, 40);
                X = anchor.X + _seatOffset;
                Y = anchor.Y + rng.Uniform(-2, 2);
                break;
            default:
                X = anchor.X;
                Y = anchor.Y;
                break;
        }
    }

    public double X { get; private set; }
    public double Y { get; private set; }

    /// <summary>Moves the UE by <paramref name="dt"/> seconds; train passengers follow <paramref name="trainX"/>. Returns the distance moved.</summary>
    public double Advance(double dt, double trainX)
    {
        double x0 = X, y0 = Y;
        switch (_kind)
        {
            case UeKind.Car:
                DriveCar(dt);
                break;
            case UeKind.Pedestrian:
                // Heading diffuses like a Brownian angle (0.3 rad/√s), so walks wander but stay smooth.
                _heading += 0.3 * Math.Sqrt(dt) * _rng.NextGaussian();
                X += _speed * dt * Math.Cos(_heading);
                Y += _speed * dt * Math.Sin(_heading);
                if (X < _minX || X > _maxX) { _heading = Math.PI - _heading; X = Math.Clamp(X, _minX, _maxX); }
                if (Y < _minY || Y > _maxY) { _heading = -_heading; Y = Math.Clamp(Y, _minY, _maxY); }
                break;
            case UeKind.TrainPassenger:
                X = Math.Clamp(trainX + _seatOffset, _minX, _maxX);
                break;
            default:
                // A waiting passenger shuffles a little, held within ±2 m of the spot.
                X = Math.Clamp(X + (0.05 * Math.Sqrt(dt) * _rng.NextGaussian()), _anchorX - 2, _anchorX + 2);
                Y = Math.Clamp(Y + (0.05 * Math.Sqrt(dt) * _rng.NextGaussian()), _anchorY - 2, _anchorY + 2);
                break;
        }
        double mx = X - x0, my = Y - y0;
        return Math.Sqrt((mx * mx) + (my * my));
    }

    private double SnapToRoad(double v, double min, double max)
    {
        double snapped = min + (Math.Round((v - min) / _road) * _road);
        return Math.Clamp(snapped, min, max);
    }

    private void DriveCar(double dt)
    {
        double left = _speed * dt;
        // Drive crossing by crossing: at each one turn left or right with probability 0.3, U-turn at the area edge.
        for (int guard = 0; left > 1e-9 && guard < 64; guard++)
        {
            double pos = _dirX != 0 ? X : Y;
            double dir = _dirX != 0 ? _dirX : _dirY;
            double min = _dirX != 0 ? _minX : _minY, max = _dirX != 0 ? _maxX : _maxY;
            double k = (pos - min) / _road;
            double next = min + ((dir > 0 ? Math.Floor(k + 1e-9) + 1 : Math.Ceiling(k - 1e-9) - 1) * _road);
            next = Math.Clamp(next, min, max);
            double toNext = Math.Abs(next - pos);
            if (toNext > left)
            {
                pos += dir * left;
                left = 0;
            }
            else
            {
                pos = next;
                left -= toNext;
            }
            if (_dirX != 0) X = pos; else Y = pos;
            if (left <= 0) break;
            bool atEdge = pos <= min + 1e-9 || pos >= max - 1e-9;
            double u = _rng.NextDouble();
            if (atEdge && u >= 0.6)
            {
                if (_dirX != 0) _dirX = -_dirX; else _dirY = -_dirY;
            }
            else if (atEdge || u < 0.3)
            {
                // Turn onto the crossing road, away from the area edge if there is one.
                if (_dirX != 0)
                {
                    _dirX = 0;
                    _dirY = Y <= _minY + 1e-9 ? 1 : Y >= _maxY - 1e-9 ? -1 : (_rng.NextDouble() < 0.5 ? -1 : 1);
                }
                else
                {
                    _dirY = 0;
                    _dirX = X <= _minX + 1e-9 ? 1 : X >= _maxX - 1e-9 ? -1 : (_rng.NextDouble() < 0.5 ? -1 : 1);
                }
            }
        }
    }
}
