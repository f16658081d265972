package io.rhei.core.testing;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.sink.TableSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

class ReferenceSinkContractTest extends TableSinkContract {
    @Override
    protected TableSink newSink() {
        return new ReferenceSink();
    }

    @Override
    protected List<List<Object>> rows(TableSink sink, TableId table) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : ((ReferenceSink) sink).rows(table).values()) {
            out.add(Arrays.asList(r.get(0), r.get(1), r.get(2)));
        }
        out.sort(Comparator.comparingLong(r -> (Long) r.get(0)));
        return out;
    }
}
