import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** java bench/StockItem.java URL SKU AVAILABLE: sets an item's stock through the gateway. */
public class StockItem {

    public static void main(String[] args) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0] + "/api/inventory/items/" + args[1]))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"available\":" + args[2] + "}")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("stocked: " + response.statusCode() + " " + response.body());
        if (response.statusCode() != 200) {
            System.exit(1);
        }
    }
}
