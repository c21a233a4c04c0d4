package io.etlcdc.transform.expr;

import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MapELResolver;
import jinjava.javax.el.PropertyNotWritableException;

import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The only EL resolver the fallback interpreter gets: reads map keys and list/array elements, and
 * invokes Jinjava's own filters and tests. Nothing else: no bean properties ({@code x.class}), no
 * method calls on values ({@code getClass()}, {@code forName}, {@code repeat}, {@code clear()}),
 * no writes. Thread-safe (stateless delegates).
 */
final class AllowlistELResolver extends ELResolver {
    private final MapELResolver maps = new MapELResolver(true);
    private final JinjavaListELResolver lists = new JinjavaListELResolver(true);
    private final ArrayELResolver arrays = new ArrayELResolver(true);
    private final JinjavaBeanELResolver library = new JinjavaBeanELResolver(true);

    private ELResolver delegate(Object base) {
        if (base instanceof Map) return maps;
        if (base instanceof List) return lists;
        if (base != null && base.getClass().isArray()) return arrays;
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        ELResolver d = delegate(base);
        if (d != null) {
            return d.getValue(context, base, property);
        }
        if (base != null) {
            // Resolve to nothing rather than let a later resolver reach into the object.
            context.setPropertyResolved(true);
        }
        return null;
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base instanceof Filter || base instanceof ExpTest) {
            return library.invoke(context, base, method, paramTypes, params);
        }
        if (base == null) {
            return null;
        }
        throw new ELException("SecurityError: calling '" + method + "' on a " + Py.typeName(base)
                + " is not allowed in rule templates");
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        ELResolver d = delegate(base);
        return d == null ? null : d.getType(context, base, property);
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        if (base != null) {
            throw new PropertyNotWritableException("rule templates cannot modify values");
        }
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return Object.class;
    }
}
