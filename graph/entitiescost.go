package graph

// SetEntitiesCost sets the cost function of _entities, which gqlgen's
// federation plugin leaves unexported in ComplexityRoot.
func (c *ComplexityRoot) SetEntitiesCost(f func(child int, representations []map[string]any) int) {
	c.Query.__resolve_entities = f
}
