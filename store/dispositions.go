package store

import (
	"context"
	"fmt"
)

// Disposition is a code an agent picks when closing an interaction.
type Disposition struct {
	ID       int64
	Name     string
	Active   bool
	Position int
}

// Dispositions lists disposition codes in display order; onlyActive leaves out retired ones.
func (c conn) Dispositions(ctx context.Context, onlyActive bool) ([]Disposition, error) {
	const q = `SELECT id, name, active, position FROM dispositions WHERE active = 1 OR ? = 0 ORDER BY position, name`
	rows, err := c.q.QueryContext(ctx, q, boolInt(onlyActive))
	if err != nil {
		return nil, fmt.Errorf("store: dispositions: %w", classify(err))
	}
	defer rows.Close()
	var list []Disposition
	for rows.Next() {
		var d Disposition
		if err := rows.Scan(&d.ID, &d.Name, &d.Active, &d.Position); err != nil {
			return nil, fmt.Errorf("store: dispositions: %w", err)
		}
		list = append(list, d)
	}
	return list, rows.Err()
}

// DispositionByID returns one disposition code.
func (c conn) DispositionByID(ctx context.Context, id int64) (Disposition, error) {
	var d Disposition
	err := c.q.QueryRowContext(ctx, `SELECT id, name, active, position FROM dispositions WHERE id = ?`, id).Scan(&d.ID, &d.Name, &d.Active, &d.Position)
	if err != nil {
		return Disposition{}, fmt.Errorf("store: disposition %d: %w", id, classify(err))
	}
	return d, nil
}

// CreateDisposition adds a code at the end of the list.
func (c conn) CreateDisposition(ctx context.Context, name string) (int64, error) {
	const q = `INSERT INTO dispositions (name, position) VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM dispositions))`
	res, err := c.q.ExecContext(ctx, q, name)
	if err != nil {
		return 0, fmt.Errorf("store: create disposition %q: %w", name, classify(err))
	}
	return res.LastInsertId()
}

// SetDispositionActive retires or restores a code; retired codes stay on past interactions.
func (c conn) SetDispositionActive(ctx context.Context, id int64, active bool) error {
	res, err := c.q.ExecContext(ctx, `UPDATE dispositions SET active = ? WHERE id = ?`, boolInt(active), id)
	if err != nil {
		return fmt.Errorf("store: disposition %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: disposition %d: %w", id, ErrNotFound)
	}
	return nil
}
